package org.hassette.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline; the failure names what was awaited. */
final class Await {
    private Await() {
    }

    static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                // what Config Admin's and SCR's threads were doing tells a slow machine from a stuck delivery
                System.err.println("[await] timed out waiting for " + what + "; framework threads:\n" + frameworkThreads());
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    /** Stacks of the threads that deliver configuration, component and service events. */
    static String frameworkThreads() {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            String n = t.getName();
            if (n.startsWith("CM ") || n.startsWith("SCR") || n.contains("FelixDispatchQueue") || n.startsWith("hassette-")) {
                out.append("  \"").append(n).append("\" ").append(t.getState()).append('\n');
                for (int i = 0; i < Math.min(stack.length, 25); i++) {
                    out.append("      at ").append(stack[i]).append('\n');
                }
            }
        });
        return out.toString();
    }
}
