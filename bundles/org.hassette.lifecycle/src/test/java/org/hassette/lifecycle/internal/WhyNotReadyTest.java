package org.hassette.lifecycle.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hassette.api.lifecycle.ResourceReport;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.api.lifecycle.ResourceStatus;
import org.hassette.api.lifecycle.SupervisionState;
import org.junit.jupiter.api.Test;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.SatisfiedReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

class WhyNotReadyTest {
    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    static final String DATABASE = "org.hassette.api.database.Database";
    static final String CONDITION = "org.osgi.service.condition.Condition";

    final List<StatusView> statuses = new ArrayList<>();
    final List<ComponentView> components = new ArrayList<>();
    final Map<String, SupervisionState> supervision = new HashMap<>();

    @Test
    void readyResourceHasNoChain() {
        statuses.add(status("database", ResourceStatus.RUNNING, true, "migrations applied", null));
        components.add(component("db", "database", DATABASE, config(ComponentConfigurationDTO.ACTIVE)));
        ResourceReport r = why().report("database");
        assertTrue(r.ready());
        assertEquals(List.of(), r.chain());
        assertEquals("migrations applied", r.reason());
    }

    @Test
    void consumerWaitingForAFailedResourceNamesItsReasonAndTheWatchersPlan() {
        statuses.add(status("database", ResourceStatus.FAILED, false, "", "SchemaTooNewException: schema 7 > 5"));
        components.add(component("db", "database", DATABASE, config(ComponentConfigurationDTO.ACTIVE)));
        components.add(component("sessions", "session", "org.hassette.api.session.SessionTracker",
                unsatisfied(config(ComponentConfigurationDTO.UNSATISFIED_REFERENCE), "database", null), reference("database", DATABASE)));
        supervision.put("database", new SupervisionState("database", "transient", 2, 3, 1, NOW.plusSeconds(4), null, "x"));
        ResourceReport session = why().report("session");
        assertEquals(List.of("session: waiting for Database (unsatisfied reference 'database')",
                "database: FAILED, SchemaTooNewException: schema 7 > 5 (restart 2/3, next in 4 s)"), session.chain());
        assertEquals(ResourceStatus.NOT_STARTED, session.status());
        assertEquals("waiting for Database (unsatisfied reference 'database')", session.reason());
        assertEquals(1, why().report("database").restarts());
    }

    @Test
    void reasonAndExceptionAreBothShownOnce() {
        statuses.add(status("database", ResourceStatus.FAILED, false, "migrations failed", "SQLException: locked"));
        assertEquals(List.of("database: FAILED, migrations failed: SQLException: locked"), why().chain("database"));
        statuses.set(0, status("database", ResourceStatus.FAILED, false, "SQLException: locked", "SQLException: locked"));
        assertEquals(List.of("database: FAILED, SQLException: locked"), why().chain("database"));
    }

    @Test
    void runningButNotReadySaysSo() {
        statuses.add(status("websocket", ResourceStatus.RUNNING, false, "connecting (attempt 3)", null));
        assertEquals(List.of("websocket: RUNNING (not ready), connecting (attempt 3)"), why().chain("websocket"));
    }

    @Test
    void watcherVerdictIsShown() {
        statuses.add(status("database", ResourceStatus.EXHAUSTED_DEAD, false, "gave up", null));
        supervision.put("database", new SupervisionState("database", "temporary", 3, 3, 3, null, ResourceStatus.EXHAUSTED_DEAD, "x"));
        assertEquals(List.of("database: EXHAUSTED_DEAD, gave up (watcher: exhausted_dead after 3/3 restarts)"), why().chain("database"));
    }

    @Test
    void theImplicitConditionIsIgnoredUnlessItIsTheBlocker() {
        ComponentConfigurationDTO waiting = unsatisfied(config(ComponentConfigurationDTO.UNSATISFIED_REFERENCE),
                WhyNotReady.SATISFYING_CONDITION, "(osgi.condition.id=hassette.core.ready)");
        components.add(component("apps", "apps", "org.hassette.api.apps.AppRegistry", waiting,
                reference(WhyNotReady.SATISFYING_CONDITION, CONDITION)));
        assertEquals(List.of("apps: waiting for condition (osgi.condition.id=hassette.core.ready)"), why().chain("apps"));

        ComponentConfigurationDTO active = satisfied(config(ComponentConfigurationDTO.ACTIVE), WhyNotReady.SATISFYING_CONDITION);
        components.set(0, component("apps", "apps", "org.hassette.api.apps.AppRegistry", active,
                reference(WhyNotReady.SATISFYING_CONDITION, CONDITION)));
        statuses.add(status("apps", ResourceStatus.RUNNING, false, "scanning bundles", null));
        assertEquals(List.of("apps: RUNNING (not ready), scanning bundles"), why().chain("apps"));
    }

    @Test
    void missingConfigurationNamesThePid() {
        ComponentView c = component("ws", "websocket", "org.hassette.api.ha.Connection");
        c.description().configurationPolicy = "require";
        c.description().configurationPid = new String[] { "org.hassette.websocket" };
        components.add(c);
        assertEquals(List.of("websocket: waiting for configuration org.hassette.websocket"), why().chain("websocket"));
    }

    @Test
    void disabledComponentSaysDisabled() {
        components.add(new ComponentView(description("db", "database", DATABASE), false, List.of()));
        assertEquals(List.of("database: disabled"), why().chain("database"));
    }

    @Test
    void failedActivationShowsTheFirstLineOrTheCauseOfAReflectionWrapper() {
        ComponentConfigurationDTO failed = config(ComponentConfigurationDTO.FAILED_ACTIVATION);
        failed.failure = "java.lang.IllegalStateException: schema 7 is newer than 5\nmore detail\n\tat x.y(Z.java:1)\n";
        components.add(component("db", "database", DATABASE, failed));
        assertEquals(List.of("database: activation failed: java.lang.IllegalStateException: schema 7 is newer than 5"), why().chain("database"));
        assertEquals(ResourceStatus.FAILED, why().report("database").status());

        failed.failure = "java.lang.reflect.InvocationTargetException\n\tat a.b(C.java:1)\nCaused by: java.io.IOException: disk full\n"
                + "\tat d.e(F.java:2)\nCaused by: java.lang.Error: deeper\n";
        assertEquals(List.of("database: activation failed: java.io.IOException: disk full"), why().chain("database"));
    }

    @Test
    void satisfiedConsumerOfAFailedImmediateProviderPointsAtTheProvider() {
        // SCR leaves such a consumer SATISFIED with no failure text; the cause is the provider's state 16
        ComponentConfigurationDTO failed = config(ComponentConfigurationDTO.FAILED_ACTIVATION);
        failed.failure = "java.lang.IllegalStateException: boom";
        ComponentView provider = component("org.example.Cache", null, null, failed);
        provider.description().serviceInterfaces = new String[] { "org.example.Cache" };
        components.add(provider);
        components.add(component("states", "states", "org.hassette.api.states.StateCache",
                satisfied(config(ComponentConfigurationDTO.SATISFIED), "cache", WhyNotReady.SATISFYING_CONDITION),
                reference("cache", "org.example.Cache"), reference(WhyNotReady.SATISFYING_CONDITION, CONDITION)));
        assertEquals(List.of("states: waiting for Cache (its provider org.example.Cache failed to activate)",
                "org.example.Cache: activation failed: java.lang.IllegalStateException: boom"), why().chain("states"));
    }

    @Test
    void unsatisfiedReferenceToAPlainComponentExplainsThatComponent() {
        ComponentView provider = component("org.example.Http", null, null);
        provider.description().serviceInterfaces = new String[] { "org.example.Http" };
        provider.description().configurationPolicy = "require";
        provider.description().configurationPid = new String[] { "org.example.http" };
        components.add(provider);
        components.add(component("web", "web", "org.example.Web",
                unsatisfied(config(ComponentConfigurationDTO.UNSATISFIED_REFERENCE), "http", "(port=80)"), reference("http", "org.example.Http")));
        assertEquals(List.of("web: waiting for Http (unsatisfied reference 'http', target (port=80))",
                "org.example.Http: waiting for configuration org.example.http"), why().chain("web"));
    }

    @Test
    void dependencyCyclesEnd() {
        components.add(component("a", "a", "x.A", unsatisfied(config(ComponentConfigurationDTO.UNSATISFIED_REFERENCE), "b", null), reference("b", "x.B")));
        components.add(component("b", "b", "x.B", unsatisfied(config(ComponentConfigurationDTO.UNSATISFIED_REFERENCE), "a", null), reference("a", "x.A")));
        assertEquals(List.of("a: waiting for B (unsatisfied reference 'b')", "b: waiting for A (unsatisfied reference 'a')",
                "a: part of a dependency cycle"), why().chain("a"));
    }

    @Test
    void unknownRequiredResourceIsNotInstalledAndReportsComeCoreFirstByName() {
        statuses.add(status("app:lights", ResourceStatus.RUNNING, true, "", null, ResourceRole.APP));
        statuses.add(status("session", ResourceStatus.RUNNING, true, "", null));
        List<ResourceReport> reports = why().reports(Set.of("database"));
        assertEquals(List.of("database", "session", "app:lights"), reports.stream().map(ResourceReport::resource).toList());
        assertEquals(List.of("database: not installed (no bundle declares resource 'database')"), reports.get(0).chain());
    }

    private WhyNotReady why() {
        return new WhyNotReady(new Snapshot(statuses, components, supervision, NOW));
    }

    static StatusView status(String resource, ResourceStatus status, boolean ready, String reason, String exception) {
        return status(resource, status, ready, reason, exception, ResourceRole.CORE);
    }

    static StatusView status(String resource, ResourceStatus status, boolean ready, String reason, String exception, ResourceRole role) {
        return new StatusView(resource, role, status, ready, reason, exception, null);
    }

    static ComponentDescriptionDTO description(String name, String resource, String provides) {
        ComponentDescriptionDTO d = new ComponentDescriptionDTO();
        d.name = name;
        d.properties = new HashMap<>();
        if (resource != null) {
            d.properties.put("hassette.resource", resource);
            d.properties.put("hassette.provides", provides);
        }
        d.configurationPolicy = "optional";
        d.configurationPid = new String[] { name };
        d.references = new ReferenceDTO[0];
        d.serviceInterfaces = new String[0];
        return d;
    }

    static ComponentView component(String name, String resource, String provides, ComponentConfigurationDTO config, ReferenceDTO... refs) {
        ComponentDescriptionDTO d = description(name, resource, provides);
        d.references = refs;
        return new ComponentView(d, true, config == null ? List.of() : List.of(config));
    }

    static ComponentView component(String name, String resource, String provides) {
        return component(name, resource, provides, null);
    }

    static ComponentConfigurationDTO config(int state) {
        ComponentConfigurationDTO c = new ComponentConfigurationDTO();
        c.state = state;
        c.satisfiedReferences = new SatisfiedReferenceDTO[0];
        c.unsatisfiedReferences = new UnsatisfiedReferenceDTO[0];
        return c;
    }

    static ComponentConfigurationDTO unsatisfied(ComponentConfigurationDTO c, String name, String target) {
        UnsatisfiedReferenceDTO u = new UnsatisfiedReferenceDTO();
        u.name = name;
        u.target = target;
        c.unsatisfiedReferences = new UnsatisfiedReferenceDTO[] { u };
        return c;
    }

    static ComponentConfigurationDTO satisfied(ComponentConfigurationDTO c, String... names) {
        c.satisfiedReferences = java.util.Arrays.stream(names).map(n -> {
            SatisfiedReferenceDTO s = new SatisfiedReferenceDTO();
            s.name = n;
            return s;
        }).toArray(SatisfiedReferenceDTO[]::new);
        return c;
    }

    static ReferenceDTO reference(String name, String type) {
        ReferenceDTO r = new ReferenceDTO();
        r.name = name;
        r.interfaceName = type;
        return r;
    }
}
