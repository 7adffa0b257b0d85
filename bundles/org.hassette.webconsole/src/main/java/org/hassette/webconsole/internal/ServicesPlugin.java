package org.hassette.webconsole.internal;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;
import org.hassette.api.lifecycle.ReadinessReport;
import org.hassette.api.lifecycle.ResourceReport;
import org.hassette.api.lifecycle.SupervisionState;
import org.hassette.api.lifecycle.Supervisor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Web Console tab "Hassette" ({@code /system/console/hassette}): whether the core is ready and every
 * resource with its status, readiness, restarts, restart policy, reason and why-not-ready chain.
 */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=" + ServicesPlugin.LABEL,
        "felix.webconsole.title=Hassette",
        "felix.webconsole.category=" + ConsolePage.CATEGORY })
public class ServicesPlugin extends HttpServlet {
    static final String LABEL = "hassette";
    private static final long serialVersionUID = 1L;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile ReadinessReport report;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile Supervisor supervisor;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/html;charset=UTF-8");
        PrintWriter out = resp.getWriter();
        ReadinessReport r = report;
        if (r == null) {
            out.print(ConsolePage.statline("The readiness report (bundle org.hassette.lifecycle) is not available."));
            return;
        }
        Supervisor s = supervisor;
        out.print(ConsolePage.statline(r.coreReady() ? "Core: ready (condition " + ReadinessReport.CORE_READY_CONDITION + " registered)"
                : "Core: NOT ready. The chains below lead to the root cause."));
        Html.Table table = new Html.Table("hassette-resources", "Resource", "Role", "Status", "Ready", "Restarts", "Policy", "Reason",
                "Why not ready");
        for (ResourceReport res : r.resources()) {
            Optional<SupervisionState> st = s == null ? Optional.empty() : s.state(res.resource());
            table.row(res.resource(), res.role().label(), res.status().label(), res.ready() ? "yes" : "no", res.restarts(),
                    st.map(x -> x.policyType() + ", budget " + x.restartsInWindow() + "/" + x.budget()).orElse("-"),
                    res.reason(), res.ready() ? "" : Html.lines(res.chain()));
        }
        out.print(table);
        out.print("<p>Also in the shell: <code>hassette:status</code>, <code>hassette:why</code>; health: "
                + "<code>/system/health/systemready.json</code>.</p>\n");
    }
}
