#pragma once

namespace refermap {

// Lowers the calling thread to the idle scheduling class (Linux SCHED_IDLE): it then runs only on
// cores that no ordinary thread wants. For helper threads that feed a compute loop (reading the
// next tiles, blending and writing finished ones): on a machine whose cores all run the model's
// threads, a helper at normal priority takes a core from one of them in the middle of a parallel
// region, and every thread of that region waits for it; at idle priority the helper fills the
// gaps between regions instead. When the compute loop waits for a helper, the cores are idle and
// the helper runs at once, so it cannot starve. Returns false (and changes nothing) where the
// system has no such class or refuses.
bool runCurrentThreadAtIdlePriority();

} // namespace refermap
