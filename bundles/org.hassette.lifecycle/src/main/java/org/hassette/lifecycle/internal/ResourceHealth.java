package org.hassette.lifecycle.internal;

import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.hassette.api.lifecycle.ResourceReport;
import org.hassette.api.lifecycle.ResourceStatus;

/**
 * The verdicts of the per-resource health checks, from one {@link ResourceReport}. Pure functions,
 * so the rules are unit-tested without a framework.
 *
 * <ul>
 * <li><b>ready</b> (core, tag {@code systemready}): OK while the resource is ready. A required
 * resource that is not ready is TEMPORARILY_UNAVAILABLE within the startup timeout and CRITICAL
 * after it, or at once when the watcher has given up on it; a resource that is not required is
 * only a WARN (HTTP 200).</li>
 * <li><b>alive</b> (core, tag {@code systemalive}): the process is worth keeping. CRITICAL only when
 * a required resource is dead for good ({@code exhausted_dead}, {@code crashed}): nothing inside the
 * platform will bring it back, a restart of the platform might. FAILED and cooling down are a WARN:
 * the watcher is still working on them.</li>
 * <li><b>app</b> (tag {@code apps}): OK while running and ready, TEMPORARILY_UNAVAILABLE while
 * starting or stopping, WARN when stopped, CRITICAL when failed or given up.</li>
 * </ul>
 */
final class ResourceHealth {
    private ResourceHealth() {
    }

    static Result ready(String name, ResourceReport r, boolean required, boolean starting) {
        if (r != null && r.ready()) {
            return single(Result.Status.OK, name + ": ready" + suffix(r.reason()));
        }
        String why = why(name, r);
        if (!required) {
            return single(Result.Status.WARN, why + " (not required for core readiness)");
        }
        boolean givenUp = r != null && (r.status() == ResourceStatus.EXHAUSTED_DEAD || r.status() == ResourceStatus.CRASHED
                || r.status() == ResourceStatus.EXHAUSTED_COOLING);
        Result.Status status = starting && !givenUp ? Result.Status.TEMPORARILY_UNAVAILABLE : Result.Status.CRITICAL;
        return single(status, why + hint(name, r));
    }

    static Result alive(String name, ResourceReport r, boolean required) {
        if (r == null) {
            return single(Result.Status.OK, name + ": no status yet (not installed or not activated); not dead");
        }
        return switch (r.status()) {
            case EXHAUSTED_DEAD, CRASHED -> single(required ? Result.Status.CRITICAL : Result.Status.WARN,
                    why(name, r) + " — dead: the watcher will not restart it" + (required ? "; the core cannot get ready again. " : ". ")
                            + "Fix the cause, then run 'hassette:restart " + name + "' or restart the platform");
            case FAILED, EXHAUSTED_COOLING -> single(Result.Status.WARN, why(name, r) + " (still supervised: see hassette:watcher)");
            default -> single(Result.Status.OK, name + ": alive, " + r.status().label() + (r.ready() ? ", ready" : ", not ready")
                    + suffix(r.reason()));
        };
    }

    static Result app(String name, ResourceReport r) {
        if (r == null) {
            return single(Result.Status.TEMPORARILY_UNAVAILABLE, name + ": no status (being deployed or removed)");
        }
        if (r.ready()) {
            return single(Result.Status.OK, name + ": " + r.status().label() + suffix(r.reason()));
        }
        String why = why(name, r);
        return switch (r.status()) {
            case FAILED, CRASHED, EXHAUSTED_COOLING, EXHAUSTED_DEAD -> single(Result.Status.CRITICAL,
                    why + " (see hassette:apps; start it again from the Apps tab or the shell once fixed)");
            case STOPPED -> single(Result.Status.WARN, why);
            default -> single(Result.Status.TEMPORARILY_UNAVAILABLE, why);
        };
    }

    /** The why-chain on one line, or the status and reason when there is no chain. */
    static String why(String name, ResourceReport r) {
        if (r == null) {
            return name + ": not installed (no status service and no component for it)";
        }
        if (!r.chain().isEmpty()) {
            return String.join(" → ", r.chain());
        }
        return name + ": " + r.status().label() + (r.ready() ? ", ready" : ", not ready") + suffix(r.reason());
    }

    private static String hint(String name, ResourceReport r) {
        if (r == null) {
            return "";
        }
        return switch (r.status()) {
            case EXHAUSTED_DEAD -> " — the watcher gave up; fix the cause, then 'hassette:restart " + name + "'";
            case EXHAUSTED_COOLING -> " — restart budget used up, cooling down before trying again";
            default -> "";
        };
    }

    private static String suffix(String reason) {
        return reason == null || reason.isBlank() ? "" : ", " + reason;
    }

    private static Result single(Result.Status status, String message) {
        ResultLog log = new ResultLog();
        log.add(new ResultLog.Entry(status, message));
        return new Result(log);
    }
}
