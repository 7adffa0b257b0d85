package org.hassette.web.internal;

import java.io.IOException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.hassette.api.app.AppInfo;
import org.hassette.api.app.AppRegistry;
import org.hassette.api.execution.ExecutionHistory;
import org.hassette.api.execution.ExecutionRecord;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code hassette:executions}, {@code hassette:logs} and {@code hassette:loglevel}: the same data as
 * the HTTP API's executions and logs endpoints, as aligned tables. User mistakes are one line.
 */
@Component(service = WebCommands.class)
@GogoCommand(scope = "hassette", function = { "executions", "logs", "loglevel" })
@Descriptor("Hassette execution history and logs")
public class WebCommands {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ExecutionHistory history;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ComponentServiceObjects<AppRegistry> apps;

    private final LogBuffer logs;
    private final LogLevels levels;

    @Activate
    public WebCommands(@Reference LogBuffer logs, @Reference LogLevels levels) {
        this.logs = logs;
        this.levels = levels;
    }

    @Descriptor("lists the 20 most recent handler calls and job runs")
    public String executions() {
        return executions(null, 20);
    }

    @Descriptor("lists the most recent handler calls and job runs of one app, or of all with 'all'")
    public String executions(@Descriptor("app id (app:...), or all (or a quoted '*') for every app") String app) {
        return executions(app, 20);
    }

    @Descriptor("lists the most recent handler calls and job runs of one app, or of all with 'all'")
    public String executions(@Descriptor("app id (app:...), or all (or a quoted '*') for every app") String app,
            @Descriptor("how many (1-1000)") int limit) {
        if (limit < 1 || limit > ApiServlet.MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be from 1 to " + ApiServlet.MAX_LIMIT + ", got " + limit);
        }
        ExecutionHistory h = history;
        if (h == null) {
            throw new IllegalStateException("the execution history is not available (it needs the database; see hassette:why database)");
        }
        Optional<AppInfo> known = AppArgument.meansAll(app) ? Optional.empty() : app(app);
        String appId = AppArgument.meansAll(app) ? null : known.map(AppInfo::appId).orElse(app);
        List<ExecutionRecord> records = h.recent(appId, limit);
        if (appId != null && records.isEmpty() && known.isEmpty()) {
            // an app removed since keeps its history (found above); an id nobody knows is a mistake, not "no executions"
            throw new IllegalArgumentException(AppArgument.unknownAppMessage(app, knownAppIds()));
        }
        TextTable t = new TextTable("ID", "START", "KIND", "NAME", "APP", "MS", "OUTCOME", "ERROR/DETAIL");
        for (ExecutionRecord r : records) {
            t.row(r.id(), TIME.format(r.start()), r.kind().label(), r.name(), r.app(), r.duration() == null ? null : r.duration().toMillis(),
                    r.outcome(), r.error() != null ? r.error() : r.detail().isEmpty() ? null : r.detail());
        }
        return t + "\n(" + h.count() + " kept)";
    }

    @Descriptor("shows the 30 most recent log lines at INFO or above")
    public String logs() {
        return logs("INFO", null, 30);
    }

    @Descriptor("shows the 30 most recent log lines at this level or above")
    public String logs(@Descriptor("minimum level: ERROR, WARN, INFO, DEBUG, TRACE") String level) {
        return logs(level, null, 30);
    }

    @Descriptor("shows the most recent log lines at this level or above, of one app or logger prefix")
    public String logs(@Descriptor("minimum level: ERROR, WARN, INFO, DEBUG, TRACE") String level,
            @Descriptor("app id, logger name prefix, or all (or a quoted '*') for everything") String source,
            @Descriptor("how many (1-1000)") int limit) {
        int min = LogBuffer.rank(level);
        if (min < 0) {
            throw new IllegalArgumentException("unknown level '" + level + "'; use ERROR, WARN, INFO, DEBUG or TRACE");
        }
        if (limit < 1 || limit > ApiServlet.MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be from 1 to " + ApiServlet.MAX_LIMIT + ", got " + limit);
        }
        String prefix = logSourcePrefix(source);
        StringBuilder sb = new StringBuilder();
        for (LogBuffer.Line l : logs.recent(x -> LogBuffer.rank(x.level()) >= 0 && LogBuffer.rank(x.level()) <= min
                && (prefix == null || prefix.equals(x.bundle()) || LogBuffer.under(x.logger(), prefix)), limit)) {
            sb.append(TIME.format(l.time())).append(' ').append(String.format("%-5s", l.level())).append(' ').append(l.logger()).append(" - ")
                    .append(l.message());
            if (l.exception() != null) {
                sb.append(" [").append(l.exception()).append(']');
            }
            sb.append('\n');
        }
        return sb.length() == 0 ? "no log lines match" : sb.toString().stripTrailing();
    }

    @Descriptor("lists the log levels set at run time")
    public String loglevel() {
        TextTable t = new TextTable("LOGGER", "LEVEL");
        levels.overrides().forEach(t::row);
        return levels.overrides().isEmpty() ? "no run-time log levels (etc/logback.xml applies)" : t.toString();
    }

    @Descriptor("sets the log level of an app (its bundle's loggers) or a logger at run time, until the platform stops")
    public String loglevel(@Descriptor("app id (app:...) or logger name (org.hassette.bus)") String target,
            @Descriptor("TRACE, DEBUG, INFO, WARN, ERROR, OFF, or RESET to remove the override") String level) throws IOException {
        String logger = app(target).map(AppInfo::bundle).orElse(target);
        String now = levels.set(logger, level);
        return now == null ? logger + ": run-time level removed (etc/logback.xml applies)" : logger + ": level " + now;
    }

    /** An app's bundle, a logger name prefix, or null for everything. */
    private String logSourcePrefix(String source) {
        if (AppArgument.meansAll(source)) {
            return null;
        }
        Optional<AppInfo> app = app(source);
        if (app.isPresent()) {
            return app.get().bundle();
        }
        // not an app: a logger name prefix, unless it is an app id nobody knows or a glob Gogo expanded
        if (source.startsWith("app:") || AppArgument.looksGlobExpanded(source)) {
            throw new IllegalArgumentException(AppArgument.unknownAppMessage(source, knownAppIds()));
        }
        return source;
    }

    private List<String> knownAppIds() {
        try (Lease<AppRegistry> lease = Lease.of(apps)) {
            return lease.service == null ? List.of() : lease.service.apps().stream().map(AppInfo::appId).sorted().toList();
        }
    }

    private Optional<AppInfo> app(String id) {
        try (Lease<AppRegistry> lease = Lease.of(apps)) {
            AppRegistry a = lease.service;
            if (a == null || id == null) {
                return Optional.empty();
            }
            return a.app(id).or(() -> a.app("app:" + id));
        }
    }
}
