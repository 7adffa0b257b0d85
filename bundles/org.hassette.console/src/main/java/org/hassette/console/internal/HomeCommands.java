package org.hassette.console.internal;

import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import java.util.regex.Pattern;
import org.hassette.api.bus.Conditions;
import org.hassette.api.bus.EventBus;
import org.hassette.api.bus.ListenerStats;
import org.hassette.api.bus.Subscription;
import org.hassette.api.ha.EntityState;
import org.hassette.api.ha.HomeAssistantApi;
import org.hassette.api.ha.ServiceResult;
import org.hassette.api.ha.StateCache;
import org.hassette.api.scheduler.JobInfo;
import org.hassette.api.scheduler.JobHandle;
import org.hassette.api.scheduler.Scheduler;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The home and its jobs from the shell: {@code hassette:states}, {@code state}, {@code call},
 * {@code fire}, {@code jobs}, {@code run}. Services are optional: a command whose service is not
 * ready says so in one line.
 */
@Component(service = HomeCommands.class)
@GogoCommand(scope = "hassette", function = { "states", "state", "call", "fire", "jobs", "run", "listeners" })
@Descriptor("Home Assistant states, service calls, event bus listeners and scheduled jobs")
public class HomeCommands {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile StateCache states;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile HomeAssistantApi ha;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile Scheduler scheduler;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventBus bus;

    @Descriptor("lists every event bus listener with its counters")
    public String listeners() {
        return listeners("*");
    }

    @Descriptor("lists the event bus listeners whose name matches a glob, with their counters: received, matched, invoked, failed, "
            + "suppressed (throttle, debounce, mode), dropped (queue full), skipped (constraint said no)")
    public String listeners(@Descriptor("listener name glob, e.g. app:porch* (apps prefix their listeners with their id)") String glob) {
        Pattern p = glob(glob);
        List<Subscription> found = require(bus, "bus").listeners().stream().filter(s -> p.matcher(s.name()).matches())
                .sorted(Comparator.comparing(Subscription::name)).toList();
        if (found.isEmpty()) {
            return "*".equals(glob) ? "no listeners" : "no listener matches '" + glob + "'";
        }
        TextTable table = new TextTable("LISTENER", "RECEIVED", "MATCHED", "INVOKED", "FAILED", "SUPPRESSED", "DROPPED", "SKIPPED", "STATE");
        for (Subscription s : found) {
            ListenerStats st = s.stats();
            table.row(s.name(), st.received(), st.matched(), st.invoked(), st.failed(), st.suppressed(), st.dropped(), st.skipped(),
                    s.isCancelled() ? "cancelled" : "active");
        }
        return table.toString() + found.size() + (found.size() == 1 ? " listener" : " listeners");
    }

    /** The bus's and the state cache's glob syntax ({@code *}, {@code ?}), so a name matches the same everywhere. */
    static Pattern glob(String glob) {
        return Conditions.globPattern(glob);
    }

    @Descriptor("lists every entity with its state")
    public String states() {
        return states("*");
    }

    @Descriptor("lists the entities matching a glob with their states, e.g. light.* or *kitchen*")
    public String states(@Descriptor("entity id glob") String glob) {
        List<EntityState> found = require(states, "states").matching(glob).stream()
                .sorted(Comparator.comparing(EntityState::entityId)).toList();
        if (found.isEmpty()) {
            return "no entity matches '" + glob + "'";
        }
        TextTable table = new TextTable("ENTITY", "STATE", "LAST CHANGED");
        for (EntityState s : found) {
            table.row(s.entityId(), s.state(), s.lastChanged() == null ? "-" : TIME.format(s.lastChanged()));
        }
        return table.toString() + found.size() + " entities";
    }

    @Descriptor("shows one entity: state, attributes, last changed and updated")
    public String state(@Descriptor("entity id, e.g. light.kitchen") String entityId) {
        EntityState s = require(states, "states").get(entityId)
                .orElseThrow(() -> new IllegalArgumentException("unknown entity '" + entityId + "' (try hassette:states '*" + entityId + "*')"));
        StringBuilder b = new StringBuilder(s.entityId()).append(" = ").append(s.state()).append('\n');
        b.append("  last changed ").append(s.lastChanged() == null ? "-" : TIME.format(s.lastChanged()))
                .append(", last updated ").append(s.lastUpdated() == null ? "-" : TIME.format(s.lastUpdated())).append('\n');
        new java.util.TreeMap<>(s.attributes()).forEach((k, v) -> b.append("  ").append(k).append(": ").append(v).append('\n'));
        return b.toString().stripTrailing();
    }

    @Descriptor("calls a Home Assistant service, e.g. hassette:call light.turn_on entity_id=light.kitchen brightness=120")
    public String call(@Descriptor("domain.service") String service,
            @Descriptor("service data as key=value (numbers and true/false are converted)") String... data) throws Exception {
        int dot = service.indexOf('.');
        if (dot <= 0 || dot == service.length() - 1) {
            throw new IllegalArgumentException("'" + service + "' is not domain.service, e.g. light.turn_on");
        }
        ServiceResult r = await(require(ha, "haapi").callService(service.substring(0, dot), service.substring(dot + 1), null,
                keyValues(data), false), "call " + service);
        return "called " + service + " (context " + r.contextId() + ")";
    }

    @Descriptor("fires an event on Home Assistant's bus, e.g. hassette:fire doorbell_pressed door=front")
    public String fire(@Descriptor("event type") String eventType,
            @Descriptor("event data as key=value (numbers and true/false are converted)") String... data) throws Exception {
        String context = await(require(ha, "haapi").fireEvent(eventType, keyValues(data)), "fire " + eventType);
        return "fired " + eventType + (context == null ? "" : " (context " + context + ")");
    }

    @Descriptor("lists scheduled jobs: name, group, schedule, status, next run, last outcome")
    public String jobs() {
        List<JobInfo> jobs = require(scheduler, "scheduler").jobs();
        if (jobs.isEmpty()) {
            return "no jobs";
        }
        TextTable table = new TextTable("JOB", "GROUP", "SCHEDULE", "STATUS", "NEXT RUN", "LAST");
        for (JobInfo j : jobs) {
            table.row(j.name(), j.group().isEmpty() ? "-" : j.group(), j.schedule(), j.status().name().toLowerCase(),
                    j.nextRun().map(t -> TIME.format(t)).orElse("-"),
                    j.lastRun().map(r -> r.outcome().name().toLowerCase() + (r.detail() == null || r.detail().isBlank() ? "" : ": " + r.detail()))
                            .orElse("-"));
        }
        return table.toString().stripTrailing();
    }

    @Descriptor("runs a job now (its schedule is unchanged)")
    public String run(@Descriptor("job name, as listed by hassette:jobs") String name) {
        Scheduler s = require(scheduler, "scheduler");
        JobHandle job = s.job(name).orElseThrow(() -> new IllegalArgumentException("no job named '" + name + "' (see hassette:jobs)"));
        job.runNow();
        return "running " + name + " now (see hassette:jobs for its outcome)";
    }

    static Map<String, Object> keyValues(String... pairs) {
        Map<String, Object> data = new LinkedHashMap<>();
        if (pairs == null) {
            return data;
        }
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + pair + "' is not key=value");
            }
            String v = pair.substring(eq + 1);
            Object value = v;
            if (v.equals("true") || v.equals("false")) {
                value = Boolean.valueOf(v);
            } else if (v.matches("-?\\d{1,18}")) {
                value = Long.valueOf(v);
            } else if (v.matches("-?\\d+\\.\\d+")) {
                value = Double.valueOf(v);
            }
            data.put(pair.substring(0, eq), value);
        }
        return data;
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f, String what) throws Exception {
        try {
            return f.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + ": no answer from Home Assistant within " + CALL_TIMEOUT.toSeconds() + " s");
        }
    }

    private static <T> T require(T service, String resource) {
        if (service == null) {
            throw new IllegalStateException(resource + " is not ready (see hassette:why " + resource + ")");
        }
        return service;
    }
}
