package org.hassette.console.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.hassette.api.lifecycle.SupervisionState;
import org.hassette.api.lifecycle.Supervisor;
import org.hassette.api.session.SessionRecord;
import org.hassette.api.session.SessionTracker;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code hassette:watcher}, {@code hassette:restart} and {@code hassette:sessions}. The services behind
 * them are optional: when one is not ready the command says so in one line instead of disappearing.
 */
@Component(service = SupervisionCommands.class)
@GogoCommand(scope = "hassette", function = { "watcher", "restart", "sessions" })
@Descriptor("Hassette supervision and sessions")
public class SupervisionCommands {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile Supervisor supervisor;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile SessionTracker sessions;

    @Descriptor("lists supervised core resources: restart policy, budget used, restarts, next attempt, verdict, last failure")
    public String watcher() {
        Supervisor s = require(supervisor, "watcher");
        TextTable table = new TextTable("RESOURCE", "POLICY", "BUDGET", "RESTARTS", "NEXT", "VERDICT", "LAST FAILURE");
        for (SupervisionState st : s.states()) {
            table.row(st.resource(), st.policyType(), st.restartsInWindow() + "/" + st.budget(), st.totalRestarts(),
                    st.nextAttemptAt() == null ? "-" : "in " + Math.max(0, Duration.between(Instant.now(), st.nextAttemptAt()).toSeconds()) + " s",
                    st.verdict() == null ? "-" : st.verdict().label(), st.lastFailure() == null ? "-" : st.lastFailure());
        }
        return table.toString().stripTrailing();
    }

    @Descriptor("restarts a core resource now, outside its backoff and budget")
    public String restart(@Descriptor("resource name, as listed by hassette:status") String resource) {
        require(supervisor, "watcher").restartNow(resource);
        return "restarting " + resource + " (follow it with hassette:status)";
    }

    @Descriptor("lists the 10 most recent sessions (runs of the platform)")
    public String sessions() {
        return sessions(10);
    }

    @Descriptor("lists the most recent sessions (runs of the platform)")
    public String sessions(@Descriptor("how many") int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        SessionTracker t = require(sessions, "session");
        TextTable table = new TextTable("ID", "STATUS", "STARTED", "STOPPED", "LAST HEARTBEAT", "ERROR");
        for (SessionRecord r : t.recentSessions(limit)) {
            table.row(r.id() + (r.id() == t.currentSessionId() ? " *" : ""), r.status().label(), time(r.startedAt()), time(r.stoppedAt()),
                    time(r.lastHeartbeatAt()), r.errorType() == null ? "-" : r.errorType() + ": " + r.errorMessage());
        }
        return table.toString().stripTrailing() + "\n(* = this run)";
    }

    private static String time(Instant t) {
        return t == null ? "-" : TIME.format(t);
    }

    private static <T> T require(T service, String resource) {
        if (service == null) {
            throw new IllegalStateException(resource + " is not ready (see hassette:why " + resource + ")");
        }
        return service;
    }
}
