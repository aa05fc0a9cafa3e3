// Convolutions through oneDNN (Debian's libdnnl-dev), one batch chunk on one thread at a time.
//
// Graft's tensors are NCHW; oneDNN's fast convolution kernels read channel-blocked layouts. A plan (one
// per direction and geometry, made once and cached) holds the convolution and the reorders in and out of
// its layouts. Every call runs on the calling thread only (oneDNN's own OpenMP threads are kept at one):
// Graft's worker pool spreads the chunks, so results do not depend on the number of threads.
#ifndef GRAFT_DNNL_H
#define GRAFT_DNNL_H
#include <stddef.h>

/// What a plan computes.
typedef enum {
  /// y = conv(x, w) + bias.
  graft_conv_forward = 0,
  /// gx = the adjoint of conv in x applied to gy.
  graft_conv_backward_data = 1,
  /// gw = the gradient of conv in w for x and gy.
  graft_conv_backward_weights = 2,
} graft_conv_direction;

typedef struct graft_conv_plan graft_conv_plan;

/// The plan for `direction` on `batch` images of [channels, height, width], `out_channels` filters of
/// kernel_h x kernel_w, stride and padding (both sides), with a bias (forward only) when `bias` is 1; NULL
/// when oneDNN has no optimized (JIT) kernel for it on this CPU. Cached: the same arguments return the
/// same plan. Thread-safe.
const graft_conv_plan *graft_conv_plan_get(
    graft_conv_direction direction, int batch, int channels, int height, int width, int out_channels,
    int kernel_h, int kernel_w, int stride, int padding, int bias);

/// Floats in the plan's own layout of the filter (forward and backward-data plans).
size_t graft_conv_packed_weights_count(const graft_conv_plan *plan);

/// packed = w [O, C, kh, kw] in the plan's filter layout. Returns 0 on success.
int graft_conv_pack_weights(const graft_conv_plan *plan, const float *w, float *packed);

/// Forward: y [n, O, OH, OW] = conv(x [n, C, H, W], packed filter) (+ bias [O]). Returns 0 on success.
int graft_conv_run_forward(
    const graft_conv_plan *plan, const float *x, const float *packed_w, const float *bias, float *y);

/// Backward data: gx [n, C, H, W] from gy [n, O, OH, OW] and the packed filter. Returns 0 on success.
int graft_conv_run_backward_data(const graft_conv_plan *plan, const float *gy, const float *packed_w, float *gx);

/// Backward weights: gw [O, C, kh, kw] = Σ over these n images. Returns 0 on success.
int graft_conv_run_backward_weights(const graft_conv_plan *plan, const float *x, const float *gy, float *gw);

/// Whether two plans read their filter in the same packed layout (one packing serves both).
int graft_conv_same_weights_layout(const graft_conv_plan *a, const graft_conv_plan *b);

/// oneDNN's name of the kernel a plan runs (e.g. "jit:avx512_core").
const char *graft_conv_plan_kernel(const graft_conv_plan *plan);

/// The instruction set oneDNN's kernels use on this CPU (e.g. "avx512_core", "avx2"; `DNNL_MAX_CPU_ISA`
/// lowers it).
const char *graft_dnnl_isa(void);

#endif
