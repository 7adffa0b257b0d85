package org.hassette.itest.busapp.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.hassette.api.app.App;
import org.hassette.api.app.AppContext;
import org.hassette.api.bus.BusMessage;
import org.hassette.api.bus.Conditions;
import org.hassette.api.bus.EventBus;
import org.hassette.api.bus.ExecutionMode;
import org.hassette.api.bus.IfExists;
import org.hassette.api.bus.StateChange;
import org.hassette.api.bus.Subscription;
import org.hassette.api.constraints.Constraints;
import org.hassette.api.ha.HaEvent;
import org.hassette.api.scheduler.JobHandle;
import org.hassette.api.scheduler.JobInfo;
import org.hassette.api.scheduler.JobOptions;
import org.hassette.api.scheduler.Scheduler;
import org.hassette.api.scheduler.SunEvent;
import org.hassette.itest.busapp.BusProbe;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.propertytypes.SatisfyingConditionTarget;

/**
 * Uses the public API only, as an app author would: one listener of every kind and option, and one
 * job of every kind, all through its {@link AppContext}. Records what each saw for the test.
 */
@Component(service = { App.class, BusProbe.class }, configurationPid = "it.busprobe", configurationPolicy = ConfigurationPolicy.REQUIRE)
@SatisfyingConditionTarget("(osgi.condition.id=hassette.core.ready)")
public class BusProbeApp implements App, BusProbe {
    private final Map<String, List<String>> seen = new ConcurrentHashMap<>();
    private final Map<String, Subscription> listeners = new ConcurrentHashMap<>();
    private final List<String> notes = new CopyOnWriteArrayList<>();
    private final CountDownLatch singleRelease = new CountDownLatch(1);
    private volatile AppContext context;

    @Override
    public void start(AppContext ctx) {
        context = ctx;
        EventBus bus = ctx.bus();
        // ---- listener kinds ----
        listen("glob", bus.onStateChange("sensor.it_bp_*_temp"), (StateChange c) -> see("glob", c.entityId() + "=" + c.newValue()));
        listen("domain", bus.onStateChange("input_boolean"), (StateChange c) -> see("domain", c.entityId() + "=" + c.newValue()));
        listen("list", bus.onStateChange(List.of("switch.it_bp_a", "switch.it_bp_b")),
                (StateChange c) -> see("list", c.entityId() + "=" + c.newValue()));
        listen("attr", bus.onAttributeChange("light.it_bp_lamp", "brightness"), (StateChange c) -> see("attr", String.valueOf(c.newValue())));
        listen("event", bus.onEvent("it_bp_custom").whereData("kind", Conditions.equalTo("ping")),
                (HaEvent e) -> see("event", String.valueOf(e.data().get("n"))));
        listen("service", bus.onServiceCall("light", "turn_*").whereData("service_data.entity_id", Conditions.contains("light.it_bp_svc")),
                (HaEvent e) -> see("service", e.data().get("service") + " " + Conditions.path(e.data(), "service_data.entity_id")));
        listen("topic", bus.onTopic("it/emitter/*"), (BusMessage m) -> see("topic", m.topic() + "=" + m.payload()));
        // ---- options ----
        listen("once", bus.onStateChange("input_number.it_bp_once").once(), (StateChange c) -> see("once", String.valueOf(c.newValue())));
        listen("debounce", bus.onStateChange("input_number.it_bp_debounce").debounce(Duration.ofSeconds(3)),
                (StateChange c) -> see("debounce", String.valueOf(c.newValue())));
        listen("throttle", bus.onStateChange("input_number.it_bp_throttle").throttle(Duration.ofMinutes(5)),
                (StateChange c) -> see("throttle", String.valueOf(c.newValue())));
        listen("hold", bus.onStateChange("binary_sensor.it_bp_door").to("on").holdFor(Duration.ofSeconds(4)),
                (StateChange c) -> see("hold", c.oldValue() + "->" + c.newValue()));
        listen("immediate", bus.onStateChange("sensor.it_bp_seed").immediate(),
                (StateChange c) -> see("immediate", (c.immediate() ? "immediate:" : "change:") + c.newValue()));
        listen("timeout", bus.onStateChange("input_button.it_bp_slow").timeout(Duration.ofMillis(300))
                .onError(err -> see("timeout-error", err.phase() + " " + err.error().getClass().getSimpleName())),
                (StateChange c) -> {
                    see("timeout", "started");
                    Thread.sleep(30_000); // interrupted by the timeout
                    see("timeout", "not interrupted");
                });
        listen("single", bus.onStateChange("input_number.it_bp_single").mode(ExecutionMode.single()), (StateChange c) -> {
            see("single", String.valueOf(c.newValue()));
            singleRelease.await(60, TimeUnit.SECONDS);
        });
        listen("constrained", bus.onStateChange("input_number.it_bp_gate").constrainedBy(Constraints.entityIs("input_boolean.it_bp_allow", "on")),
                (StateChange c) -> see("constrained", String.valueOf(c.newValue())));
        // ---- idempotent registration by name ----
        Subscription first = bus.onStateChange("input_number.it_bp_dup").subscribe(name("dup"), (StateChange c) -> see("dup", "first"));
        Subscription again = bus.onStateChange("input_number.it_bp_dup").ifExists(IfExists.SKIP).subscribe(name("dup"), (StateChange c) -> see("dup", "skip"));
        notes.add("skip-same: " + (again.name().equals(first.name()) && !first.isCancelled()));
        try {
            bus.onStateChange("input_number.it_bp_dup").subscribe(name("dup"), (StateChange c) -> see("dup", "error"));
            notes.add("error: registered twice");
        } catch (IllegalStateException expected) {
            notes.add("error: refused");
        }
        Subscription replaced = bus.onStateChange("input_number.it_bp_dup").ifExists(IfExists.REPLACE)
                .subscribe(name("dup"), (StateChange c) -> see("dup", "replacement"));
        notes.add("replace: old cancelled " + first.isCancelled() + ", new active " + !replaced.isCancelled());
        listeners.put("dup", replaced);

        // ---- scheduler ----
        Scheduler s = ctx.scheduler();
        s.runIn(Duration.ofMillis(300), () -> see("runIn", "ran"), job("runIn", GROUP));
        s.runEvery(Duration.ofMillis(200), () -> see("every", "ran"), job("every", EVERY_GROUP));
        s.runCron("* * * * * *", () -> see("cron", "ran"), job("cron", GROUP));
        s.runAtEntityTime("input_datetime.it_bp_alarm", null, Duration.ZERO, () -> see("alarm", "ran"), job("alarm", GROUP));
        s.runAtSun(SunEvent.SUNSET, Duration.ZERO, () -> see("sunset", "ran"), job("sunset", GROUP));
        s.register(() -> see("manual", "ran"), job("manual", GROUP));
        s.runIn(Duration.ofHours(1), () -> see("later", "ran"), job("later", GROUP));
    }

    private <E> void listen(String shortName, org.hassette.api.bus.ListenerBuilder<E, ?> builder, org.hassette.api.bus.Handler<? super E> handler) {
        listeners.put(shortName, builder.subscribe(name(shortName), handler));
    }

    private String name(String shortName) {
        return context.appId() + ":" + shortName;
    }

    private JobOptions job(String shortName, String group) {
        return JobOptions.builder().name(name(shortName)).group(group).build();
    }

    private void see(String what, String value) {
        seen.computeIfAbsent(what, k -> new CopyOnWriteArrayList<>()).add(value);
    }

    @Override
    public String appId() {
        AppContext c = context;
        return c == null ? "" : c.appId();
    }

    @Override
    public List<String> seen(String name) {
        return List.copyOf(seen.getOrDefault(name, List.of()));
    }

    @Override
    public List<String> notes() {
        return List.copyOf(notes);
    }

    @Override
    public Optional<Subscription> listener(String shortName) {
        return Optional.ofNullable(listeners.get(shortName));
    }

    @Override
    public String jobName(String shortName) {
        return name(shortName);
    }

    @Override
    public void runNow(String shortName) {
        JobHandle h = context.scheduler().job(name(shortName)).orElseThrow(() -> new IllegalArgumentException("no job " + shortName));
        h.runNow();
    }

    @Override
    public int cancelGroup(String group) {
        return context.scheduler().cancelGroup(group);
    }

    @Override
    public List<JobInfo> jobs(String group) {
        return context.scheduler().jobs(group);
    }

    @Override
    public void releaseSingle() {
        singleRelease.countDown();
    }
}
