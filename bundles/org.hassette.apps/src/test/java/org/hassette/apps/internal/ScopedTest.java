package org.hassette.apps.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hassette.api.bus.EventBus;
import org.hassette.api.bus.StateChangeBuilder;
import org.hassette.api.bus.Subscription;
import org.hassette.api.scheduler.JobHandle;
import org.hassette.api.scheduler.Scheduler;
import org.junit.jupiter.api.Test;

class ScopedTest {
    private final List<AtomicBoolean> cancelled = new ArrayList<>();

    @Test
    void closeCancelsSubscriptionsMadeThroughBuilderChainsAndJobs() {
        Scoped scoped = new Scoped("app:test", org.slf4j.LoggerFactory.getLogger("test"));
        EventBus bus = scoped.bus(fake(EventBus.class));
        Scheduler scheduler = scoped.scheduler(fake(Scheduler.class));

        Subscription s = bus.onStateChange("binary_sensor.x").to("on").holdFor(Duration.ofSeconds(1))
                .subscribe("n", c -> { });
        JobHandle j = scheduler.runIn(Duration.ofMinutes(1), () -> { });
        assertNotNull(s);
        assertNotNull(j);
        assertEquals(1, scoped.subscriptionCount());
        assertEquals(1, scoped.jobCount());
        assertEquals(2, cancelled.size());
        assertTrue(cancelled.stream().noneMatch(AtomicBoolean::get));

        scoped.close();
        assertTrue(cancelled.stream().allMatch(AtomicBoolean::get));
        assertEquals(0, scoped.jobCount());

        // after close, a late registration (a timed-out start still running) is cancelled and refused
        assertThrows(IllegalStateException.class, () -> scheduler.runIn(Duration.ofMinutes(1), () -> { }));
        assertTrue(cancelled.get(2).get());
    }

    @Test
    void jobsKeepEveryOptionOfTheirOwnAndGetTheAppGateAndErrorHandler() {
        // withAppPolicy copies each option through its getter: an option added to JobOptions must be copied there too
        java.util.Set<String> getters = java.util.Arrays.stream(org.hassette.api.scheduler.JobOptions.class.getDeclaredMethods())
                .filter(m -> java.lang.reflect.Modifier.isPublic(m.getModifiers()) && !java.lang.reflect.Modifier.isStatic(m.getModifiers())
                        && m.getParameterCount() == 0 && !m.getName().equals("toString") && !m.getName().equals("hashCode"))
                .map(java.lang.reflect.Method::getName).collect(java.util.stream.Collectors.toSet());
        assertEquals(java.util.Set.of("name", "group", "jitterMin", "jitterMax", "where", "constraints", "mode", "timeout", "onError"),
                getters, "JobOptions changed: copy the new option in Scoped.withAppPolicy");
        Scoped scoped = new Scoped("app:test", org.slf4j.LoggerFactory.getLogger("test"));
        org.hassette.api.constraints.Constraint own = org.hassette.api.constraints.Constraint.of("own", c -> true);
        org.hassette.api.scheduler.JobErrorHandler handler = (job, error) -> { };
        java.util.function.BooleanSupplier where = () -> true;
        org.hassette.api.scheduler.JobOptions o = org.hassette.api.scheduler.JobOptions.builder().name("n").group("g")
                .jitter(Duration.ofSeconds(-1), Duration.ofSeconds(2)).where("why", where).constrainedBy(own)
                .mode(org.hassette.api.bus.ExecutionMode.queued(2)).timeout(Duration.ofSeconds(3)).onError(handler).build();
        org.hassette.api.scheduler.JobOptions p = scoped.withAppPolicy(o);
        assertEquals(java.util.Optional.of("app:test:n"), p.name(), "the name is scoped to the instance");
        assertEquals("app:test:g", p.group(), "so is the group");
        assertEquals(Duration.ofSeconds(-1), p.jitterMin());
        assertEquals(Duration.ofSeconds(2), p.jitterMax());
        assertEquals(o.where(), p.where());
        assertEquals(List.of("own", Scoped.GATE), p.constraints().stream().map(org.hassette.api.constraints.Constraint::name).toList());
        assertEquals(o.mode(), p.mode());
        assertEquals(o.timeout(), p.timeout());
        assertSame(handler, p.onError().orElseThrow(), "a job's own error handler wins");
        assertTrue(scoped.withAppPolicy(org.hassette.api.scheduler.JobOptions.defaults()).onError().isPresent(),
                "a job without one gets the app's");
    }

    @Test
    void appIdPrefersThePid() {
        assertEquals("app:x~a", AppHandler.appId(new FakeRef("x~a", "comp")));
        assertEquals("app:comp", AppHandler.appId(new FakeRef(null, "comp")));
    }

    /** Builders return themselves; subscribe/runIn return a registration whose cancel is recorded. */
    @SuppressWarnings("unchecked")
    private <T> T fake(Class<T> type) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            Class<?> rt = m.getReturnType();
            if (rt == Subscription.class || rt == JobHandle.class) {
                AtomicBoolean c = new AtomicBoolean();
                cancelled.add(c);
                return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {rt}, (p2, m2, a2) -> switch (m2.getName()) {
                    case "cancel" -> { c.set(true); yield m2.getReturnType() == boolean.class ? Boolean.TRUE : null; }
                    case "isCancelled" -> c.get();
                    case "hashCode" -> System.identityHashCode(p2);
                    case "equals" -> p2 == a2[0];
                    default -> null;
                });
            }
            if (rt == StateChangeBuilder.class || (rt.isInterface() && rt.isInstance(proxy))) {
                return type == StateChangeBuilder.class ? proxy : fake(StateChangeBuilder.class);
            }
            return switch (m.getName()) {
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> null;
            };
        });
    }

    private record FakeRef(String pid, String name) implements org.osgi.framework.ServiceReference<Object> {
        @Override public Object getProperty(String key) {
            return switch (key) {
                case "service.pid" -> pid;
                case "component.name" -> name;
                case "service.id" -> 1L;
                default -> null;
            };
        }
        @Override public String[] getPropertyKeys() { return new String[0]; }
        @Override public org.osgi.framework.Bundle getBundle() { return null; }
        @Override public org.osgi.framework.Bundle[] getUsingBundles() { return null; }
        @Override public boolean isAssignableTo(org.osgi.framework.Bundle b, String c) { return true; }
        @Override public int compareTo(Object o) { return 0; }
        @Override public java.util.Dictionary<String, Object> getProperties() { return new java.util.Hashtable<>(); }
        @Override public <A> A adapt(Class<A> type) { return null; }
    }

    @Test
    void constraintNamesListTheAppWideConstraintsInOrder() {
        Scoped scoped = new Scoped("app:test", org.slf4j.LoggerFactory.getLogger("test"));
        assertEquals(List.of(), scoped.constraintNames());
        scoped.constrainAll(org.hassette.api.constraints.Constraint.of("vacation", c -> true));
        scoped.constrainAll(org.hassette.api.constraints.Constraint.of("weekdays", c -> true),
                org.hassette.api.constraints.Constraint.of("quiet-hours", c -> false));
        assertEquals(List.of("vacation", "weekdays", "quiet-hours"), scoped.constraintNames());
    }

    @Test
    void namesAndGroupsTheAppGivesAreScopedToTheInstanceOnce() {
        Scoped scoped = new Scoped("app:porch~front", org.slf4j.LoggerFactory.getLogger("test"));
        assertEquals("app:porch~front:tick", scoped.qualify("tick"));
        assertEquals("app:porch~front:tick", scoped.qualify("app:porch~front:tick"), "already scoped: kept");
        assertEquals("app:porch~front", scoped.qualify("app:porch~front"));
        assertEquals("app:porch~front:app:porch~frontdoor:x", scoped.qualify("app:porch~frontdoor:x"),
                "another instance's prefix is not this one's");
        assertEquals(" ", scoped.qualify(" "), "a blank name is left for the bus to refuse");
        assertEquals("", scoped.withAppPolicy(org.hassette.api.scheduler.JobOptions.defaults()).group(), "the default group stays");
    }

    @Test
    void lookupsAndRegistrationsThroughTheViewsUseTheScopedNames() {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Scoped scoped = new Scoped("app:x~a", org.slf4j.LoggerFactory.getLogger("test"));
        Scheduler scheduler = scoped.scheduler(recording(Scheduler.class, seen));
        scheduler.job("tick");
        scheduler.cancel("tick");
        scheduler.jobs("lights");
        scheduler.cancelGroup("lights");
        scheduler.jobs("");
        EventBus bus = scoped.bus(recording(EventBus.class, seen));
        bus.onTopic("t").subscribe("on", m -> { });
        assertEquals(List.of("job app:x~a:tick", "cancel app:x~a:tick", "jobs app:x~a:lights", "cancelGroup app:x~a:lights", "jobs ",
                "onTopic t", "subscribe app:x~a:on"), seen);
    }

    /** Records "method firstStringArgument"; builders return themselves, everything else a harmless default. */
    @SuppressWarnings("unchecked")
    private <T> T recording(Class<T> type, List<String> seen) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            if (m.getDeclaringClass() == Object.class) {
                return m.getName().equals("hashCode") ? System.identityHashCode(proxy) : m.getName().equals("equals") ? proxy == args[0] : "recording";
            }
            if (args != null && args.length > 0 && args[0] instanceof String first) {
                seen.add(m.getName() + " " + first);
            }
            Class<?> rt = m.getReturnType();
            if (rt == org.hassette.api.bus.TopicBuilder.class) {
                return recording(rt, seen);
            }
            if (rt.isInstance(proxy)) {
                return proxy;
            }
            if (rt == boolean.class) {
                return false;
            }
            if (rt == int.class) {
                return 0;
            }
            if (rt == java.util.Optional.class) {
                return java.util.Optional.empty();
            }
            if (rt == List.class) {
                return List.of();
            }
            return null;
        });
    }
}
