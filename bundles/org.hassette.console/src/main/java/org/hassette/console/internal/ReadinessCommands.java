package org.hassette.console.internal;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.hassette.api.lifecycle.ReadinessReport;
import org.hassette.api.lifecycle.ResourceReport;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.api.lifecycle.SupervisionState;
import org.hassette.api.lifecycle.Supervisor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code hassette:status} and {@code hassette:why}: what every resource is doing and why the
 * not-ready ones are not ready. Commands return text; a mistake of the user (an unknown resource)
 * is one line, never a stack trace.
 */
@Component(service = ReadinessCommands.class)
@GogoCommand(scope = "hassette", function = { "status", "why", "services" })
@Descriptor("Hassette resource status and readiness")
public class ReadinessCommands {
    private final ReadinessReport report;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile Supervisor supervisor;

    @Activate
    public ReadinessCommands(@Reference ReadinessReport report) {
        this.report = report;
    }

    @Descriptor("lists every resource: name, role, status, ready, restarts and reason")
    public String status() {
        TextTable table = new TextTable("RESOURCE", "ROLE", "STATUS", "READY", "RESTARTS", "REASON");
        for (ResourceReport r : report.resources()) {
            table.row(r.resource(), r.role().label(), r.status().label(), r.ready() ? "yes" : "no", r.restarts(), r.reason());
        }
        return table + (report.coreReady() ? "core: ready" : "core: NOT ready (see hassette:why)");
    }

    @Descriptor("lists the core services: status, ready, restarts, restart policy and budget, next restart, and the reason "
            + "(the why-chain for those not ready)")
    public String services() {
        Supervisor s = supervisor;
        TextTable table = new TextTable("SERVICE", "STATUS", "READY", "RESTARTS", "POLICY", "BUDGET", "NEXT RESTART", "REASON");
        for (ResourceReport r : report.resources()) {
            if (r.role() != ResourceRole.CORE) {
                continue;
            }
            SupervisionState st = s == null ? null : s.state(r.resource()).orElse(null);
            table.row(r.resource(), r.status().label() + (st != null && st.verdict() != null ? " (" + st.verdict().label() + ")" : ""),
                    r.ready() ? "yes" : "no", r.restarts(), st == null ? "-" : st.policyType(),
                    st == null ? "-" : st.restartsInWindow() + "/" + st.budget(),
                    st == null || st.nextAttemptAt() == null ? "-"
                            : "in " + Math.max(0, java.time.Duration.between(java.time.Instant.now(), st.nextAttemptAt()).toSeconds()) + " s",
                    r.ready() || r.chain().isEmpty() ? r.reason() : String.join(" → ", r.chain()));
        }
        return table + (report.coreReady() ? "core: ready" : "core: NOT ready (see hassette:why)")
                + (s == null ? "\n(watcher not ready: no policy or budget shown)" : "");
    }

    @Descriptor("explains why resources are not ready, as chains to the root cause")
    public String why() {
        List<ResourceReport> notReady = report.resources().stream().filter(r -> !r.ready()).toList();
        String chains = notReady.stream().map(ReadinessCommands::chain).collect(Collectors.joining("\n"));
        if (report.coreReady()) {
            return "all core resources are ready" + (chains.isEmpty() ? "" : "\nnot ready, not required:\n" + chains);
        }
        return chains.isEmpty()
                ? "core not ready yet: every required resource reports ready, the condition " + ReadinessReport.CORE_READY_CONDITION
                        + " is being registered"
                : chains;
    }

    @Descriptor("explains why one resource is not ready")
    public String why(@Descriptor("resource name, as listed by hassette:status") String resource) {
        ResourceReport r = report.resource(resource).orElseThrow(() -> new IllegalArgumentException("unknown resource '"
                + resource + "'; known: " + report.resources().stream().map(ResourceReport::resource).collect(Collectors.joining(", "))));
        return r.ready() ? r.resource() + " is ready" + (r.reason().isBlank() ? "" : ": " + r.reason()) : chain(r);
    }

    private static String chain(ResourceReport r) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < r.chain().size(); i++) {
            b.append(i == 0 ? "" : "  ".repeat(i) + "→ ").append(r.chain().get(i)).append('\n');
        }
        return b.toString().stripTrailing();
    }
}
