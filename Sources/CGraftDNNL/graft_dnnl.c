#include "graft_dnnl.h"

#include <oneapi/dnnl/dnnl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

// libgomp's; oneDNN (Debian's build) runs its kernels under OpenMP. Declared here because the Swift
// toolchain's clang does not see GCC's omp.h.
extern void omp_set_num_threads(int);

struct graft_conv_plan {
  int key[11];
  const char *kernel;
  dnnl_primitive_t conv;
  // Inputs into the convolution's layouts (NULL: already the same), the output back to the plain one.
  dnnl_primitive_t reorder_in0, reorder_in1, reorder_out, reorder_weights;
  dnnl_memory_desc_t in0_plain, in0_conv, in1_plain, in1_conv, out_plain, out_conv, weights_plain, weights_conv;
  dnnl_memory_desc_t bias_md, scratch_md;
  size_t in0_bytes, in1_bytes, out_bytes, weights_bytes, scratch_bytes;
  struct graft_conv_plan *next;
};

static dnnl_engine_t engine;
static pthread_once_t engine_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t plans_lock = PTHREAD_MUTEX_INITIALIZER;
static graft_conv_plan *plans;

// Per thread: a stream and scratch buffers that grow to the largest chunk seen. Graft's workers live as
// long as the process; threads that end (GCD's, when Graft's pool is busy) free theirs through the key's
// destructor.
typedef struct {
  dnnl_stream_t stream;
  void *buffers[4];
  size_t sizes[4];
} thread_state;

static pthread_key_t state_key;

static void free_state(void *pointer) {
  thread_state *state = pointer;
  for (int i = 0; i < 4; i++) free(state->buffers[i]);
  if (state->stream) dnnl_stream_destroy(state->stream);
  free(state);
}

static void make_engine(void) {
  omp_set_num_threads(1);
  if (pthread_key_create(&state_key, free_state) != 0 || dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success)
    engine = NULL;
}

// This thread's state (made on first use), with oneDNN's OpenMP held at one thread; NULL if out of memory.
static thread_state *local_state(void) {
  thread_state *state = pthread_getspecific(state_key);
  if (!state) {
    state = calloc(1, sizeof *state);
    if (!state || pthread_setspecific(state_key, state) != 0) {
      free(state);
      return NULL;
    }
  }
  omp_set_num_threads(1);
  if (!state->stream && dnnl_stream_create(&state->stream, engine, dnnl_stream_default_flags) != dnnl_success) {
    state->stream = NULL;
    return NULL;
  }
  return state;
}

static void *scratch(thread_state *local, int index, size_t bytes) {
  if (bytes == 0) return NULL;
  if (local->sizes[index] < bytes) {
    free(local->buffers[index]);
    if (posix_memalign(&local->buffers[index], 64, bytes) != 0) {
      local->buffers[index] = NULL;
      local->sizes[index] = 0;
      return NULL;
    }
    local->sizes[index] = bytes;
  }
  return local->buffers[index];
}

// A reorder from `from` to `to`, or NULL when the two layouts are the same (or on failure: *ok = 0).
static dnnl_primitive_t reorder(const dnnl_memory_desc_t *from, const dnnl_memory_desc_t *to, int *ok) {
  if (dnnl_memory_desc_equal(from, to)) return NULL;
  dnnl_primitive_desc_t pd;
  dnnl_primitive_t p = NULL;
  if (dnnl_reorder_primitive_desc_create(&pd, from, engine, to, engine, NULL) != dnnl_success) {
    *ok = 0;
    return NULL;
  }
  if (dnnl_primitive_create(&p, pd) != dnnl_success) *ok = 0;
  dnnl_primitive_desc_destroy(pd);
  return p;
}

static void destroy(graft_conv_plan *plan) {
  dnnl_primitive_t all[] = {plan->conv, plan->reorder_in0, plan->reorder_in1, plan->reorder_out, plan->reorder_weights};
  for (int i = 0; i < 5; i++)
    if (all[i]) dnnl_primitive_destroy(all[i]);
  free(plan);
}

static graft_conv_plan *make_plan(const int *k) {
  int direction = k[0];
  dnnl_dim_t n = k[1], c = k[2], h = k[3], w = k[4], o = k[5], kh = k[6], kw = k[7], s = k[8], p = k[9];
  int with_bias = k[10] && direction == graft_conv_forward;
  dnnl_dim_t oh = (h + 2 * p - kh) / s + 1, ow = (w + 2 * p - kw) / s + 1;
  dnnl_dims_t src_dims = {n, c, h, w}, weights_dims = {o, c, kh, kw}, dst_dims = {n, o, oh, ow}, bias_dims = {o};
  dnnl_dims_t strides = {s, s}, padding = {p, p};
  dnnl_memory_desc_t src_any, weights_any, dst_any, src_plain, weights_plain, dst_plain, bias_md;
  dnnl_memory_desc_init_by_tag(&src_any, 4, src_dims, dnnl_f32, dnnl_format_tag_any);
  dnnl_memory_desc_init_by_tag(&weights_any, 4, weights_dims, dnnl_f32, dnnl_format_tag_any);
  dnnl_memory_desc_init_by_tag(&dst_any, 4, dst_dims, dnnl_f32, dnnl_format_tag_any);
  dnnl_memory_desc_init_by_tag(&src_plain, 4, src_dims, dnnl_f32, dnnl_nchw);
  dnnl_memory_desc_init_by_tag(&weights_plain, 4, weights_dims, dnnl_f32, dnnl_oihw);
  dnnl_memory_desc_init_by_tag(&dst_plain, 4, dst_dims, dnnl_f32, dnnl_nchw);
  dnnl_memory_desc_init_by_tag(&bias_md, 1, bias_dims, dnnl_f32, dnnl_x);

  dnnl_primitive_attr_t attr;
  if (dnnl_primitive_attr_create(&attr) != dnnl_success) return NULL;
  dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user);

  // The forward descriptor: the plan itself for the forward direction, the hint for the backward ones.
  dnnl_convolution_desc_t forward_desc, backward_desc;
  dnnl_primitive_desc_t forward_pd = NULL, pd = NULL;
  graft_conv_plan *plan = NULL;
  if (dnnl_convolution_forward_desc_init(
          &forward_desc, dnnl_forward_training, dnnl_convolution_direct, &src_any, &weights_any,
          with_bias ? &bias_md : NULL, &dst_any, strides, padding, padding) != dnnl_success)
    goto done;
  if (dnnl_primitive_desc_create(&forward_pd, &forward_desc, attr, engine, NULL) != dnnl_success) goto done;
  if (direction == graft_conv_forward) {
    pd = forward_pd;
    forward_pd = NULL;
  } else {
    dnnl_status_t status =
        direction == graft_conv_backward_data
            ? dnnl_convolution_backward_data_desc_init(
                  &backward_desc, dnnl_convolution_direct, &src_any, &weights_any, &dst_any, strides, padding, padding)
            : dnnl_convolution_backward_weights_desc_init(
                  &backward_desc, dnnl_convolution_direct, &src_any, &weights_any, NULL, &dst_any, strides, padding,
                  padding);
    if (status != dnnl_success) goto done;
    if (dnnl_primitive_desc_create(&pd, &backward_desc, attr, engine, forward_pd) != dnnl_success) goto done;
  }
  const char *kernel = NULL;
  dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &kernel);
  // Only oneDNN's direct JIT kernels beat Graft's own; its gemm and reference fallbacks do not.
  if (!kernel || strncmp(kernel, "jit", 3) != 0 || strstr(kernel, "gemm")) goto done;

  plan = calloc(1, sizeof *plan);
  if (!plan) goto done;
  memcpy(plan->key, k, sizeof plan->key);
  plan->kernel = kernel;
  plan->bias_md = bias_md;
  plan->scratch_md = *dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
  int ok = dnnl_primitive_create(&plan->conv, pd) == dnnl_success;
  switch (direction) {
  case graft_conv_forward:
    plan->in0_plain = src_plain;
    plan->in0_conv = *dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0);
    plan->out_plain = dst_plain;
    plan->out_conv = *dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
    plan->weights_conv = *dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    break;
  case graft_conv_backward_data:
    plan->in0_plain = dst_plain;
    plan->in0_conv = *dnnl_primitive_desc_query_md(pd, dnnl_query_diff_dst_md, 0);
    plan->out_plain = src_plain;
    plan->out_conv = *dnnl_primitive_desc_query_md(pd, dnnl_query_diff_src_md, 0);
    plan->weights_conv = *dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    break;
  default:
    plan->in0_plain = src_plain;
    plan->in0_conv = *dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0);
    plan->in1_plain = dst_plain;
    plan->in1_conv = *dnnl_primitive_desc_query_md(pd, dnnl_query_diff_dst_md, 0);
    plan->out_plain = weights_plain;
    plan->out_conv = *dnnl_primitive_desc_query_md(pd, dnnl_query_diff_weights_md, 0);
    plan->reorder_in1 = reorder(&plan->in1_plain, &plan->in1_conv, &ok);
    break;
  }
  plan->weights_plain = weights_plain;
  plan->reorder_in0 = reorder(&plan->in0_plain, &plan->in0_conv, &ok);
  plan->reorder_out = reorder(&plan->out_conv, &plan->out_plain, &ok);
  if (direction != graft_conv_backward_weights)
    plan->reorder_weights = reorder(&plan->weights_plain, &plan->weights_conv, &ok);
  plan->in0_bytes = dnnl_memory_desc_get_size(&plan->in0_conv);
  plan->in1_bytes = direction == graft_conv_backward_weights ? dnnl_memory_desc_get_size(&plan->in1_conv) : 0;
  plan->out_bytes = dnnl_memory_desc_get_size(&plan->out_conv);
  plan->weights_bytes = direction == graft_conv_backward_weights ? 0 : dnnl_memory_desc_get_size(&plan->weights_conv);
  plan->scratch_bytes = dnnl_memory_desc_get_size(&plan->scratch_md);
  if (!ok) {
    destroy(plan);
    plan = NULL;
  }
done:
  if (forward_pd) dnnl_primitive_desc_destroy(forward_pd);
  // The kernel name lives in the primitive descriptor; keep pd for as long as the plan (plans are never freed).
  if (!plan && pd) dnnl_primitive_desc_destroy(pd);
  dnnl_primitive_attr_destroy(attr);
  return plan;
}

const graft_conv_plan *graft_conv_plan_get(
    graft_conv_direction direction, int batch, int channels, int height, int width, int out_channels,
    int kernel_h, int kernel_w, int stride, int padding, int bias) {
  pthread_once(&engine_once, make_engine);
  if (!engine) return NULL;
  int key[11] = {direction, batch, channels, height, width, out_channels, kernel_h, kernel_w, stride, padding,
                 bias && direction == graft_conv_forward};
  pthread_mutex_lock(&plans_lock);
  graft_conv_plan *plan = plans;
  while (plan && memcmp(plan->key, key, sizeof key) != 0) plan = plan->next;
  if (!plan) {
    omp_set_num_threads(1);
    graft_conv_plan *made = make_plan(key);
    // A key oneDNN has no fast kernel for is cached too (without a convolution), so it is asked once.
    plan = made ? made : calloc(1, sizeof *plan);
    if (plan) {
      if (!made) plan->conv = NULL;
      memcpy(plan->key, key, sizeof key);
      plan->next = plans;
      plans = plan;
    }
  }
  pthread_mutex_unlock(&plans_lock);
  return plan && plan->conv ? plan : NULL;
}

size_t graft_conv_packed_weights_count(const graft_conv_plan *plan) { return plan->weights_bytes / sizeof(float); }

const char *graft_conv_plan_kernel(const graft_conv_plan *plan) { return plan->kernel; }

int graft_conv_same_weights_layout(const graft_conv_plan *a, const graft_conv_plan *b) {
  return a->weights_bytes == b->weights_bytes && dnnl_memory_desc_equal(&a->weights_conv, &b->weights_conv);
}

// Wraps `data` as a memory object of `md` (NULL data: none).
static dnnl_memory_t wrap(const dnnl_memory_desc_t *md, const void *data) {
  dnnl_memory_t m = NULL;
  if (dnnl_memory_create(&m, md, engine, (void *)data) != dnnl_success) return NULL;
  return m;
}

static int run(dnnl_primitive_t p, dnnl_stream_t stream, int n, const dnnl_exec_arg_t *args) {
  if (dnnl_primitive_execute(p, stream, n, args) != dnnl_success) return 1;
  return dnnl_stream_wait(stream) != dnnl_success;
}

// Runs `reorder` from `from` (md `from_md`) into `to` (md `to_md`).
static int run_reorder(
    dnnl_primitive_t reorder, dnnl_stream_t stream, const dnnl_memory_desc_t *from_md, const void *from,
    const dnnl_memory_desc_t *to_md, void *to) {
  dnnl_memory_t a = wrap(from_md, from), b = wrap(to_md, to);
  int status = 1;
  if (a && b) {
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, a}, {DNNL_ARG_TO, b}};
    status = run(reorder, stream, 2, args);
  }
  if (a) dnnl_memory_destroy(a);
  if (b) dnnl_memory_destroy(b);
  return status;
}

int graft_conv_pack_weights(const graft_conv_plan *plan, const float *w, float *packed) {
  thread_state *local = local_state();
  if (!local) return 1;
  dnnl_stream_t stream = local->stream;
  if (!plan->reorder_weights) {
    memcpy(packed, w, plan->weights_bytes);
    return 0;
  }
  return run_reorder(plan->reorder_weights, stream, &plan->weights_plain, w, &plan->weights_conv, packed);
}

// Executes the plan's convolution: `in0` (and `in1`) plain inputs reordered into scratch as needed, the
// output written to scratch and reordered into `out`, or straight into `out` when the layouts agree.
static int execute(
    const graft_conv_plan *plan, int arg0, const float *in0, int arg1, const float *in1, const float *weights,
    const float *bias, int out_arg, float *out) {
  thread_state *local = local_state();
  if (!local) return 1;
  dnnl_stream_t stream = local->stream;
  const void *a = in0, *b = in1;
  void *result = out;
  if (plan->reorder_in0) {
    void *buffer = scratch(local, 0, plan->in0_bytes);
    if (!buffer || run_reorder(plan->reorder_in0, stream, &plan->in0_plain, in0, &plan->in0_conv, buffer)) return 1;
    a = buffer;
  }
  if (plan->reorder_in1) {
    void *buffer = scratch(local, 1, plan->in1_bytes);
    if (!buffer || run_reorder(plan->reorder_in1, stream, &plan->in1_plain, in1, &plan->in1_conv, buffer)) return 1;
    b = buffer;
  }
  if (plan->reorder_out && !(result = scratch(local, 2, plan->out_bytes))) return 1;
  void *pad = scratch(local, 3, plan->scratch_bytes);
  if (plan->scratch_bytes && !pad) return 1;

  dnnl_memory_t memories[6] = {0};
  dnnl_exec_arg_t args[6];
  int count = 0, status = 1;
#define ARG(which, md, data)                                    \
  do {                                                          \
    memories[count] = wrap(md, data);                           \
    args[count].arg = which;                                    \
    args[count].memory = memories[count];                       \
    if (!memories[count++]) goto cleanup;                       \
  } while (0)
  ARG(arg0, &plan->in0_conv, a);
  if (b) ARG(arg1, &plan->in1_conv, b);
  if (weights) ARG(DNNL_ARG_WEIGHTS, &plan->weights_conv, weights);
  if (bias) ARG(DNNL_ARG_BIAS, &plan->bias_md, bias);
  ARG(out_arg, &plan->out_conv, result);
  if (plan->scratch_bytes) ARG(DNNL_ARG_SCRATCHPAD, &plan->scratch_md, pad);
#undef ARG
  status = run(plan->conv, stream, count, args);
  if (!status && plan->reorder_out)
    status = run_reorder(plan->reorder_out, stream, &plan->out_conv, result, &plan->out_plain, out);
cleanup:
  for (int i = 0; i < count; i++)
    if (memories[i]) dnnl_memory_destroy(memories[i]);
  return status;
}

int graft_conv_run_forward(
    const graft_conv_plan *plan, const float *x, const float *packed_w, const float *bias, float *y) {
  return execute(plan, DNNL_ARG_SRC, x, 0, NULL, packed_w, plan->key[10] ? bias : NULL, DNNL_ARG_DST, y);
}

int graft_conv_run_backward_data(const graft_conv_plan *plan, const float *gy, const float *packed_w, float *gx) {
  return execute(plan, DNNL_ARG_DIFF_DST, gy, 0, NULL, packed_w, NULL, DNNL_ARG_DIFF_SRC, gx);
}

int graft_conv_run_backward_weights(const graft_conv_plan *plan, const float *x, const float *gy, float *gw) {
  return execute(plan, DNNL_ARG_SRC, x, DNNL_ARG_DIFF_DST, gy, NULL, NULL, DNNL_ARG_DIFF_WEIGHTS, gw);
}

const char *graft_dnnl_isa(void) {
  switch (dnnl_get_effective_cpu_isa()) {
  case dnnl_cpu_isa_sse41: return "sse41";
  case dnnl_cpu_isa_avx: return "avx";
  case dnnl_cpu_isa_avx2: return "avx2";
  case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni";
  case dnnl_cpu_isa_avx512_core: return "avx512_core";
  case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
  case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
  case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
  default: return "other";
  }
}
