#ifndef FG_CALIBRATE_SHIM_H
#define FG_CALIBRATE_SHIM_H

/* How fast the machine is right now: the calling thread's CPU time, in
 * seconds, for a fixed mix of integer multiplies and dependent loads and
 * stores in an L2-sized buffer (about 10 ms on a current core), as the fastest
 * of 8 slices times 8 so a transient disturbance does not count. On a shared VM
 * the same work takes longer while a neighbour shares the core or the host
 * lowers the clock; a scenario run measures it next to every repetition so a
 * machine that slowed down is not mistaken for code that did. The shim is
 * always compiled at -O2 (Package.swift), so debug and release builds of
 * flamegate time the same instructions. */
double fg_calibrate(void);

#endif
