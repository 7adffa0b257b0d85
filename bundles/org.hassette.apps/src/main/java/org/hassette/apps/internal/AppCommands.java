package org.hassette.apps.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hassette.api.app.AppInfo;
import org.apache.felix.service.command.Descriptor;
import org.hassette.api.app.AppRegistry;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * {@code hassette:apps} (the app table) and {@code hassette:app <action> <id>} (start, stop, reload,
 * enable, disable, show). Registered with the Gogo command properties only, so this bundle does not
 * depend on Gogo; errors are thrown with a one-line message. The app handler is an optional
 * reference: while it is down (e.g. its database is) the commands stay and say why they cannot act.
 */
@Component(service = AppCommands.class, property = { "osgi.command.scope=hassette", "osgi.command.function=apps",
        "osgi.command.function=app" })
public class AppCommands {
    static final String USAGE = "usage: hassette:app start|stop|reload|enable|disable|show <app id>";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile AppRegistry registry;

    /** Only to say why the handler is missing. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ServiceComponentRuntime scr;

    public AppCommands() {
    }

    /** For tests. */
    AppCommands(AppRegistry registry, ServiceComponentRuntime scr) {
        this.registry = registry;
        this.scr = scr;
    }

    /** The app table. */
    @Descriptor("lists app instances, and app components that have not started with why: id, bundle, status, listeners, jobs, reason")
    public String apps() {
        return format(registry().apps());
    }

    /** Usage. */
    @Descriptor("acts on one app: start, stop, reload, enable, disable or show")
    public String app() {
        return USAGE;
    }

    /** Usage for a missing id. */
    @Descriptor("acts on one app: start, stop, reload, enable, disable or show")
    public String app(@Descriptor("start|stop|reload|enable|disable|show") String action) {
        return USAGE;
    }

    /**
     * One operator action on one app; returns the app's line afterwards. A failure (unknown app or
     * action, a refused action) is thrown with one line saying what is wrong, as the other hassette
     * commands do, so the shell prints {@code error: ...} and {@code ./hassette exec} exits with 1.
     */
    @Descriptor("acts on one app: start, stop, reload, enable, disable or show; prints the app afterwards")
    public String app(@Descriptor("start | stop (until started) | reload | enable | disable (kept across restarts) | show") String action,
            @Descriptor("app id, e.g. org.example.porch~front (the app: prefix is optional)") String appId) {
        String id = appId.startsWith("app:") ? appId : "app:" + appId;
        AppRegistry registry = registry();
        AppInfo after = switch (action.toLowerCase(Locale.ROOT)) {
            case "start" -> registry.start(id);
            case "stop" -> registry.stop(id);
            case "reload", "restart" -> registry.reload(id);
            case "enable" -> registry.enable(id);
            case "disable" -> registry.disable(id);
            case "show", "info" -> registry.app(id).orElseThrow(() -> new IllegalArgumentException("no app '" + id + "'; known apps: "
                    + known(registry.apps())));
            default -> throw new IllegalArgumentException("unknown action '" + action + "'; " + USAGE);
        };
        return format(List.of(after)) + "\n" + details(after);
    }

    /** The app handler, or a one-line error saying why it is not there. */
    private AppRegistry registry() {
        AppRegistry r = registry;
        if (r == null) {
            String why = whyUnavailable(scr);
            throw new IllegalStateException("the app handler is not available" + (why == null ? "" : ": " + why));
        }
        return r;
    }

    /** Why SCR has no app handler to offer, in an operator's words, or null when SCR cannot tell. */
    static String whyUnavailable(ServiceComponentRuntime scr) {
        if (scr == null) {
            return null;
        }
        List<ComponentDescriptionDTO> all = new ArrayList<>(scr.getComponentDescriptionDTOs());
        ComponentDescriptionDTO handler = all.stream().filter(d -> d.name.equals(AppHandler.class.getName())).findFirst().orElse(null);
        if (handler == null) {
            return null;
        }
        if (!scr.isComponentEnabled(handler)) {
            return "its component is disabled (scr:enable " + handler.name + ")";
        }
        for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(handler)) {
            String reason = PendingApps.reason(handler, c, all);
            return reason != null ? reason : "it is starting; try again in a moment";
        }
        return null;
    }

    private static String known(List<AppInfo> apps) {
        return apps.isEmpty() ? "none" : String.join(", ", apps.stream().map(AppInfo::appId).toList());
    }

    static String details(AppInfo a) {
        return "enabled=" + a.enabled() + " quarantined=" + a.quarantined() + " starts=" + a.starts() + " failures="
                + a.failures() + " restarts=" + a.restarts() + " listeners=" + a.listeners() + " jobs=" + a.jobs()
                + " since=" + a.since()
                + (a.constraints().isEmpty() ? "" : "\nruns only while: " + String.join(", ", a.constraints()) + " (app-wide constraints)");
    }

    static String format(List<AppInfo> apps) {
        if (apps.isEmpty()) {
            return "no apps";
        }
        String[] head = { "APP", "BUNDLE", "STATUS", "LISTENERS", "JOBS", "REASON" };
        int[] w = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            w[i] = head[i].length();
        }
        List<String[]> rows = apps.stream().map(a -> new String[] { a.appId(), a.bundle() + " " + a.bundleVersion(),
                a.status().label() + (a.quarantined() ? " (quarantined)" : !a.enabled() ? " (disabled)" : ""),
                String.valueOf(a.listeners()), String.valueOf(a.jobs()), a.reason() == null ? "" : a.reason() }).toList();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].strip().length());
            }
        }
        StringBuilder sb = new StringBuilder(line(head, w));
        for (String[] r : rows) {
            sb.append('\n').append(line(r, w));
        }
        return sb.toString();
    }

    private static String line(String[] cells, int[] w) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i].strip();
            sb.append(i == cells.length - 1 ? c : String.format("%-" + w[i] + "s  ", c));
        }
        return sb.toString().stripTrailing();
    }
}
