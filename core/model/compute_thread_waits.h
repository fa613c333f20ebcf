#pragma once

#include <string>

namespace refermap::model {

// How the idle threads of libtorch's OpenMP pool (libgomp) and of OpenBLAS's pool wait for work.
// Both libraries read their settings from the environment once, when they are loaded (before
// main()), so they are set here and the program re-executes itself. Unless the user set them:
//
// - OMP_WAIT_POLICY=PASSIVE. By default libgomp's idle threads spin for ~3 ms; next to OpenBLAS's
//   pool and the query's helper threads they took the cores the others needed (2 cores, demo
//   model, 2048² query: 23.6 s -> 11.7 s; base network, 1024²: 46.4 s -> 30.6 s).
// - GOMP_SPINCOUNT=2000 (only when the user chose no OMP_WAIT_POLICY, which it overrides): a short
//   spin, ~20 µs, before sleeping. Fully passive threads went to sleep and were woken through the
//   kernel between every two operations of a forward (60 000 context switches in a 2048² query);
//   with the short spin they are still awake for the next operation, and still asleep between
//   batches (2048²: 5.5-7.1 s -> 3.9-4.2 s; 500 and 10 000 spins were slower).
// - OPENBLAS_THREAD_TIMEOUT=16: OpenBLAS's idle threads call sched_yield() in a loop for 2^28
//   cycles (~0.1 s) after each product before sleeping; on 2 cores that was 28 % of the CPU
//   samples of a query, in the kernel. 2^16 cycles (~25 µs) is enough to catch the next product of
//   a forward (system time of a 2048² query: 5.2 s -> 1.0 s).
class ComputeThreadWaits {
public:
    // Call first thing in main(), before any thread starts. Sets those of the variables above that
    // the user did not set and re-executes the program in place (same process id, arguments and
    // otherwise the same environment), so that the libraries start with them. Returns only when
    // nothing was re-executed: every variable was already set, or exec failed (the program then
    // runs with the libraries' defaults, and the variables are unset again so logs stay true).
    static void applyUnlessSet(char** argv);

    // For logs: each variable as the libraries read it, e.g.
    // "OMP_WAIT_POLICY=PASSIVE GOMP_SPINCOUNT=2000 OPENBLAS_THREAD_TIMEOUT=16"; "default" for an
    // unset one.
    static std::string current();
};

} // namespace refermap::model
