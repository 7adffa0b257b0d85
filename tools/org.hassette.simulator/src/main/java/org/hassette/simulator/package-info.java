/**
 * A Home Assistant simulator that speaks HA's real WebSocket and REST protocol, for tests,
 * benchmarks and the demo mode. Start one with {@link org.hassette.simulator.HaSimulator#builder()};
 * run it standalone with {@link org.hassette.simulator.Main}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.hassette.simulator;
