package org.hassette.webconsole.internal;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import org.hassette.api.lifecycle.SupervisionState;
import org.hassette.api.lifecycle.Supervisor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Web Console tab "Watcher" ({@code /system/console/hassette-watcher}): restart policy, budget,
 * restarts, next attempt, verdict and last failure of every supervised resource, then the recent
 * status changes (restarts show as {@code failed → starting → running}).
 */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=" + WatcherPlugin.LABEL,
        "felix.webconsole.title=Watcher",
        "felix.webconsole.category=" + ConsolePage.CATEGORY })
public class WatcherPlugin extends HttpServlet {
    static final String LABEL = "hassette-watcher";
    private static final long serialVersionUID = 1L;

    private final transient RecentTransitions transitions;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile Supervisor supervisor;

    @Activate
    public WatcherPlugin(@Reference RecentTransitions transitions) {
        this.transitions = transitions;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/html;charset=UTF-8");
        PrintWriter out = resp.getWriter();
        Supervisor s = supervisor;
        out.print("<h3>Supervised resources</h3>\n");
        if (s == null) {
            out.print(ConsolePage.unavailable("The watcher", "watcher"));
        } else {
            List<SupervisionState> states = s.states();
            Html.Table table = new Html.Table("hassette-watcher", "Resource", "Policy", "Budget used", "Restarts", "Next restart", "Verdict",
                    "Last failure");
            for (SupervisionState st : states) {
                table.row(st.resource(), st.policyType(), st.restartsInWindow() + "/" + st.budget(), st.totalRestarts(),
                        ConsolePage.in(st.nextAttemptAt()), st.verdict() == null ? "-" : st.verdict().label(),
                        st.lastFailure() == null ? "-" : st.lastFailure());
            }
            out.print(table);
            out.print("<p>Restart a core resource from the shell: <code>hassette:restart &lt;resource&gt;</code>. "
                    + "Policies are set per component (<code>hassette.restart.*</code>, see the watcher's README).</p>\n");
        }
        out.print("<h3>Recent status changes</h3>\n");
        List<RecentTransitions.Transition> recent = transitions.latest(RecentTransitions.CAPACITY);
        if (recent.isEmpty()) {
            out.print(ConsolePage.statline("No status change since the console bundle started."));
            return;
        }
        Html.Table table = new Html.Table("hassette-transitions", "Time", "Resource", "Role", "Change", "Ready", "Reason");
        for (RecentTransitions.Transition t : recent) {
            table.row(ConsolePage.time(t.at()), t.resource(), t.role(), (t.previous().isEmpty() ? "" : t.previous() + " → ") + t.status(),
                    t.ready() ? "yes" : "no", t.reason());
        }
        out.print(table);
    }
}
