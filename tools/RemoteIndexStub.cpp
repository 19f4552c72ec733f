//===- RemoteIndexStub.cpp - clangd without the gRPC remote index ---------===//
//
// libclangdMain.a calls clang::clangd::remote::getClient when the user asks
// for a remote index server. Its real definition needs gRPC and protobuf;
// this one behaves like clangd built without remote-index support: it
// reports that the feature is unavailable and returns no index, and clangd
// carries on with its local indexes.
//
//===----------------------------------------------------------------------===//

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"
#include <memory>

namespace clang::clangd {
class SymbolIndex;
namespace remote {

std::unique_ptr<SymbolIndex> getClient(llvm::StringRef Address,
                                       llvm::StringRef ProjectRoot) {
  llvm::errs() << "mapguard-clangd is built without remote index support; "
                  "ignoring the remote index at '"
               << Address << "'\n";
  return nullptr;
}

} // namespace remote
} // namespace clang::clangd
