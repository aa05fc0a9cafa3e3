// Debian's libopenblas-dev installs cblas.h (with openblas_set_num_threads) on the default include path.
#include <cblas.h>

// LAPACK's symmetric eigensolver (Fortran symbol, exported by libopenblas), for FID's matrix square
// roots. Column-major; arguments by pointer.
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info);
