package org.hassette.itest.probes;

/** Registered by the probe resource while it is ready. */
public interface BrokenService {
}
