// zlib from Debian (zlib1g-dev): gzip decoding of IDX files, deflate for PNG.
#include <zlib.h>
