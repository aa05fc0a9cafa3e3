// OpenSSL's libcrypto from Debian (libssl-dev): SHA-256 through its EVP digest interface, the checksum of
// a checkpoint.
#include <openssl/evp.h>
