#pragma once

#include <string>

namespace refermap::model {

// How libtorch's idle OpenMP threads wait for the next parallel region. libgomp reads
// OMP_WAIT_POLICY once, when it is loaded (before main()), and by default lets idle threads spin
// for a while. Next to OpenBLAS's own thread pool, which spins too, the spinning threads take the
// cores the others need, inside a forward (between libtorch's and OpenBLAS's parallel parts) and
// between forwards (the query's prefetch thread). Measured on 2 cores with query_bench: the demo
// model's 2048² query 23.6 s -> 11.7 s, the base network's 1024² query 46.4 s -> 30.6 s, the same
// masks; passive waiting was never slower.
class OpenMpWaitPolicy {
public:
    // Call first thing in main(), before any thread starts. Unless the user set OMP_WAIT_POLICY,
    // sets it to PASSIVE and re-executes the program in place (same process id, arguments and
    // otherwise the same environment), so that libgomp starts with it. Returns only when nothing
    // was re-executed: the variable was already set, or exec failed (the program then runs with
    // libgomp's default).
    static void passiveUnlessSet(char** argv);

    // For logs: "PASSIVE", "ACTIVE", ... as set, or "default" (libgomp spins, then sleeps).
    static std::string current();
};

} // namespace refermap::model
