package org.hassette.web.internal;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * Answers the health paths with 503 while Felix Health Check's own servlets are not registered yet.
 *
 * <p>Health Check core starts last (start level 25), because its servlets would answer OK while no
 * check exists; before that a monitor polling {@code systemready} got 404, which many probes treat as
 * a broken URL rather than "not ready yet". Registered with the lowest ranking on the same patterns,
 * this servlet is shadowed by Health Check's servlet for each pattern as soon as that one registers,
 * and comes back only if it goes away (e.g. during shutdown).
 */
@Component(service = Servlet.class, property = "service.ranking:Integer=-2147483648")
@HttpWhiteboardServletPattern({
        "/system/health", "/system/health.html", "/system/health.json", "/system/health.jsonp", "/system/health.txt",
        "/system/health.verbose.txt",
        "/system/health/systemready", "/system/health/systemready.html", "/system/health/systemready.json",
        "/system/health/systemready.jsonp", "/system/health/systemready.txt", "/system/health/systemready.verbose.txt",
        "/system/health/systemalive", "/system/health/systemalive.html", "/system/health/systemalive.json",
        "/system/health/systemalive.jsonp", "/system/health/systemalive.txt", "/system/health/systemalive.verbose.txt",
        "/system/health/apps", "/system/health/apps.html", "/system/health/apps.json", "/system/health/apps.jsonp",
        "/system/health/apps.txt", "/system/health/apps.verbose.txt",
        "/health/ready", "/health/ready.html", "/health/ready.json", "/health/ready.jsonp", "/health/ready.txt",
        "/health/ready.verbose.txt",
        "/health/alive", "/health/alive.html", "/health/alive.json", "/health/alive.jsonp", "/health/alive.txt",
        "/health/alive.verbose.txt"})
public class HealthStartingServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String MESSAGE = "Hassette is starting: its health checks are not registered yet";

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        resp.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        resp.setHeader("Retry-After", "1");
        resp.setHeader("Cache-Control", "no-store");
        resp.setCharacterEncoding(StandardCharsets.UTF_8.name());
        if (path.endsWith(".json") || path.startsWith("/health/") && !path.contains(".")) {
            // the shape of Health Check's own JSON, so a monitor parsing it sees a plain "not OK"
            resp.setContentType("application/json");
            resp.getWriter().write("{\"overallResult\":\"TEMPORARILY_UNAVAILABLE\",\"results\":[],\"message\":\"" + MESSAGE + "\"}");
        } else if (path.endsWith(".html") || !path.contains(".")) {
            resp.setContentType("text/html");
            resp.getWriter().write("<!DOCTYPE html><html><head><title>Starting</title></head><body><p>" + MESSAGE
                    + " (503).</p></body></html>");
        } else {
            resp.setContentType("text/plain");
            resp.getWriter().write("TEMPORARILY_UNAVAILABLE " + MESSAGE + "\n");
        }
    }
}
