// Owning pointers for OpenSSL objects, shared by every layer that calls OpenSSL (the tlog
// library, the event store, the platform's JWT code). Header-only; the user links OpenSSL.
//
//   PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
//   MdCtxPtr ctx(EVP_MD_CTX_new());
#ifndef CTG_EVENTSTORE_BASE_OPENSSL_PTR_H_
#define CTG_EVENTSTORE_BASE_OPENSSL_PTR_H_

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <memory>

namespace ctg {

// Calls OpenSSL's `Free` function on the owned object (its result, if any, is ignored).
template <auto Free>
struct OpenSslFree {
  template <typename T>
  void operator()(T* object) const {
    Free(object);
  }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslFree<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslFree<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslFree<EVP_MD_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslFree<BIO_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, OpenSslFree<ECDSA_SIG_free>>;

}  // namespace ctg

#endif  // CTG_EVENTSTORE_BASE_OPENSSL_PTR_H_
