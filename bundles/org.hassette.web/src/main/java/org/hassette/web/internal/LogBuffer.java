package org.hassette.web.internal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.hassette.api.lifecycle.ConfigurationErrors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The most recent log lines in memory, read from the OSGi {@link LogReaderService} that Pax Logging
 * registers: it hands every entry that passes its logger's level to its listeners, with the logger
 * name, level, message, exception and the bundle that logged it. Nothing is written anywhere.
 */
@Component(service = LogBuffer.class, configurationPid = LogBuffer.PID)
@Designate(ocd = LogBuffer.Config.class)
public class LogBuffer implements LogListener {
    static final String PID = "org.hassette.web.logs";

    @ObjectClassDefinition(name = "Hassette recent logs", description = "In-memory buffer behind /hassette/api/v1/logs and hassette:logs")
    public @interface Config {
        @AttributeDefinition(description = "Log lines kept in memory (the oldest go first)")
        int capacity() default 2000;
    }

    /** One log line. {@code bundle} is the symbolic name of the bundle that logged it, or null. */
    public record Line(long seq, Instant time, String level, String logger, String message, String exception, String bundle,
            String thread) {
    }

    private final int capacity;
    private final Deque<Line> lines = new ArrayDeque<>();
    private final List<Consumer<Line>> listeners = new CopyOnWriteArrayList<>();
    private long seq;

    @Activate
    public LogBuffer(Config configured, Map<String, Object> properties) {
        // a value DS cannot convert is logged with its file and the default used: the buffer keeps working
        Config config = ConfigurationErrors.checked(Config.class, configured, properties, null,
                org.slf4j.LoggerFactory.getLogger(LogBuffer.class)::error);
        this.capacity = Math.max(10, config.capacity());
    }

    // Optional in the metadata only because Pax Logging registers the reader without declaring the
    // capability, which the resolver would otherwise miss; the platform always has one.
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindLogReaderService(LogReaderService reader) {
        reader.addLogListener(this);
    }

    void unbindLogReaderService(LogReaderService reader) {
        reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        Throwable t = entry.getException();
        String thread = entry.getThreadInfo();
        Line line;
        synchronized (lines) {
            line = new Line(++seq, Instant.ofEpochMilli(entry.getTime()), entry.getLogLevel().name(), entry.getLoggerName(),
                    entry.getMessage(), t == null ? null : t.getClass().getName() + ": " + t.getMessage(),
                    entry.getBundle() == null ? null : entry.getBundle().getSymbolicName(), thread);
            lines.addLast(line);
            while (lines.size() > capacity) {
                lines.removeFirst();
            }
        }
        for (Consumer<Line> l : listeners) {
            try {
                l.accept(line);
            } catch (RuntimeException e) {
                // never let a listener break logging
            }
        }
    }

    /** The newest lines that pass the filter, oldest first, at most {@code limit}. */
    List<Line> recent(Predicate<Line> filter, int limit) {
        List<Line> out = new ArrayList<>();
        synchronized (lines) {
            var it = lines.descendingIterator();
            while (it.hasNext() && out.size() < limit) {
                Line l = it.next();
                if (filter.test(l)) {
                    out.add(l);
                }
            }
        }
        Collections.reverse(out);
        return out;
    }

    AutoCloseable addListener(Consumer<Line> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Whether the logger is {@code parent} or below it in the dotted hierarchy (logback's rule). */
    static boolean under(String logger, String parent) {
        return logger != null && (logger.equals(parent) || logger.startsWith(parent + "."));
    }

    /** Severity rank: ERROR 0 .. TRACE 4 (AUDIT counts as ERROR); -1 for an unknown name. */
    static int rank(String level) {
        switch (level.toUpperCase(Locale.ROOT)) {
            case "AUDIT":
            case "ERROR":
                return 0;
            case "WARN":
            case "WARNING":
                return 1;
            case "INFO":
                return 2;
            case "DEBUG":
                return 3;
            case "TRACE":
                return 4;
            default:
                return -1;
        }
    }
}
