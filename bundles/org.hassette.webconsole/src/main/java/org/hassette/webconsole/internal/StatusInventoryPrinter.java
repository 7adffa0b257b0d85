package org.hassette.webconsole.internal;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.felix.inventory.Format;
import org.apache.felix.inventory.InventoryPrinter;
import org.hassette.api.app.AppInfo;
import org.hassette.api.app.AppRegistry;
import org.hassette.api.lifecycle.ReadinessReport;
import org.hassette.api.lifecycle.ResourceReport;
import org.hassette.api.lifecycle.SupervisionState;
import org.hassette.api.lifecycle.Supervisor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Inventory printer "Hassette" (Web Console: Status → Hassette, and in every status dump zip): core
 * readiness, every resource with its chain, the watcher's state, the apps and recent status changes,
 * as text or JSON. Holds nothing secret: statuses and reasons only.
 */
@Component(property = {
        InventoryPrinter.NAME + "=hassette",
        InventoryPrinter.TITLE + "=Hassette",
        InventoryPrinter.FORMAT + "=TEXT",
        InventoryPrinter.FORMAT + "=JSON",
        InventoryPrinter.WEBCONSOLE + ":Boolean=true" })
public class StatusInventoryPrinter implements InventoryPrinter {
    private final RecentTransitions transitions;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ReadinessReport report;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile Supervisor supervisor;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile AppRegistry apps;

    @Activate
    public StatusInventoryPrinter(@Reference RecentTransitions transitions) {
        this.transitions = transitions;
    }

    @Override
    public void print(PrintWriter out, Format format, boolean isZip) {
        if (Format.JSON.equals(format)) {
            out.print(json());
        } else {
            out.print(text());
        }
        out.flush();
    }

    String text() {
        StringBuilder b = new StringBuilder();
        ReadinessReport r = report;
        if (r == null) {
            b.append("Readiness report: not available (bundle org.hassette.lifecycle)\n");
        } else {
            b.append("Core ready: ").append(r.coreReady() ? "yes" : "NO").append("\n\nResources\n");
            TextTable t = new TextTable("RESOURCE", "ROLE", "STATUS", "READY", "RESTARTS", "REASON");
            List<ResourceReport> notReady = new ArrayList<>();
            for (ResourceReport res : r.resources()) {
                t.row(res.resource(), res.role().label(), res.status().label(), res.ready() ? "yes" : "no", res.restarts(), res.reason());
                if (!res.ready()) {
                    notReady.add(res);
                }
            }
            b.append(t);
            if (!notReady.isEmpty()) {
                b.append("\nWhy not ready\n");
                for (ResourceReport res : notReady) {
                    b.append("  ").append(String.join(" → ", res.chain())).append('\n');
                }
            }
        }
        Supervisor s = supervisor;
        b.append("\nWatcher\n");
        if (s == null) {
            b.append("  not ready\n");
        } else {
            TextTable t = new TextTable("RESOURCE", "POLICY", "BUDGET", "RESTARTS", "NEXT", "VERDICT", "LAST FAILURE");
            for (SupervisionState st : s.states()) {
                t.row(st.resource(), st.policyType(), st.restartsInWindow() + "/" + st.budget(), st.totalRestarts(),
                        ConsolePage.in(st.nextAttemptAt()), st.verdict() == null ? "-" : st.verdict().label(),
                        st.lastFailure() == null ? "-" : st.lastFailure());
            }
            b.append(t);
        }
        AppRegistry a = apps;
        b.append("\nApps\n");
        if (a == null) {
            b.append("  app registry not ready\n");
        } else if (a.apps().isEmpty()) {
            b.append("  no apps\n");
        } else {
            TextTable t = new TextTable("APP", "BUNDLE", "STATUS", "ENABLED", "STARTS", "FAILURES", "LISTENERS", "JOBS", "REASON");
            for (AppInfo app : a.apps()) {
                t.row(app.appId(), app.bundle() + " " + app.bundleVersion(), app.status().label(), app.enabled() ? "yes" : "no", app.starts(),
                        app.failures(), app.listeners(), app.jobs(), app.reason());
            }
            b.append(t);
        }
        b.append("\nRecent status changes (newest first, since the console bundle started)\n");
        TextTable t = new TextTable("TIME", "RESOURCE", "CHANGE", "READY", "REASON");
        for (RecentTransitions.Transition tr : transitions.latest(RecentTransitions.CAPACITY)) {
            t.row(ConsolePage.time(tr.at()), tr.resource(), tr.previous() + " → " + tr.status(), tr.ready() ? "yes" : "no", tr.reason());
        }
        b.append(t);
        return b.toString();
    }

    String json() {
        Json j = new Json();
        j.open('{');
        ReadinessReport r = report;
        if (r != null) {
            j.key("coreReady").value(r.coreReady());
            j.key("resources").open('[');
            for (ResourceReport res : r.resources()) {
                j.open('{').key("resource").value(res.resource()).key("role").value(res.role().label()).key("status")
                        .value(res.status().label()).key("ready").value(res.ready()).key("restarts").value(res.restarts()).key("reason")
                        .value(res.reason()).key("chain").open('[');
                res.chain().forEach(j::value);
                j.close(']').close('}');
            }
            j.close(']');
        }
        Supervisor s = supervisor;
        if (s != null) {
            j.key("watcher").open('[');
            for (SupervisionState st : s.states()) {
                j.open('{').key("resource").value(st.resource()).key("policy").value(st.policyType()).key("restartsInWindow")
                        .value(st.restartsInWindow()).key("budget").value(st.budget()).key("totalRestarts").value(st.totalRestarts())
                        .key("nextAttemptAt").value(Optional.ofNullable(st.nextAttemptAt()).map(Object::toString).orElse(null))
                        .key("verdict").value(st.verdict() == null ? null : st.verdict().label()).key("lastFailure").value(st.lastFailure())
                        .close('}');
            }
            j.close(']');
        }
        AppRegistry a = apps;
        if (a != null) {
            j.key("apps").open('[');
            for (AppInfo app : a.apps()) {
                j.open('{').key("appId").value(app.appId()).key("bundle").value(app.bundle()).key("status").value(app.status().label())
                        .key("enabled").value(app.enabled()).key("reason").value(app.reason()).key("starts").value(app.starts())
                        .key("failures").value(app.failures()).key("listeners").value(app.listeners()).key("jobs").value(app.jobs())
                        .close('}');
            }
            j.close(']');
        }
        return j.close('}').toString();
    }
}
