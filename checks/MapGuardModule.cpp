//===- MapGuardModule.cpp - The mapguard clang-tidy module ----------------===//
//
// Registration only: each check lives in its own <Name>Check.{h,cpp}.
//
//===----------------------------------------------------------------------===//

#include "ConcurrentIterationMutationCheck.h"
#include "EscapingAllocationCheck.h"
#include "LongLivedIterationCheck.h"
#include "MutationDuringIterationCheck.h"
#include "SubscriptInsertionCheck.h"
#include "clang-tidy/ClangTidyModule.h"
#include "llvm/Config/llvm-config.h"
#if LLVM_VERSION_MAJOR < 22
#include "clang-tidy/ClangTidyModuleRegistry.h"
#endif

namespace clang::tidy::mapguard {

class MapGuardModule : public ClangTidyModule {
public:
  void addCheckFactories(ClangTidyCheckFactories &CheckFactories) override {
    CheckFactories.registerCheck<ConcurrentIterationMutationCheck>(
        "mapguard-concurrent-iteration-mutation");
    CheckFactories.registerCheck<EscapingAllocationCheck>(
        "mapguard-escaping-allocation");
    CheckFactories.registerCheck<LongLivedIterationCheck>(
        "mapguard-long-lived-iteration");
    CheckFactories.registerCheck<MutationDuringIterationCheck>(
        "mapguard-mutation-during-iteration");
    CheckFactories.registerCheck<SubscriptInsertionCheck>(
        "mapguard-subscript-insertion");
  }
};

static ClangTidyModuleRegistry::Add<MapGuardModule>
    Registration("mapguard-module",
                 "Adds checks for map misuse: iteration, mutation, threads.");

} // namespace clang::tidy::mapguard

// Referenced by the executables that link the module statically
// (tools/Anchor.cpp), so the linker keeps this object and its registration.
// NOLINTNEXTLINE(misc-use-internal-linkage)
volatile int MapGuardModuleAnchorSource = 0;
