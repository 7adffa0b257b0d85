package org.hassette.lifecycle.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.hassette.api.lifecycle.ConfigurationErrors;
import org.hassette.api.lifecycle.ResourceReport;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.api.lifecycle.ResourceStatus;
import org.hassette.api.lifecycle.SupervisionState;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.SatisfiedReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/**
 * Explains why resources are not ready, as chains from the resource to the root cause, from one
 * {@link Snapshot}. Pure computation: no OSGi calls, so it is unit-tested with hand-made DTOs.
 *
 * <p>Each chain line is {@code <name>: <what is wrong>}; a line that waits for another resource is
 * followed by that resource's own lines. Sources, in order: the component's SCR state (disabled,
 * missing configuration, unsatisfied references, failed activation), then the resource's published
 * status and reason, then the watcher's supervision state.
 */
final class WhyNotReady {
    /** The reference every DS 1.5 component has; it only matters when it is what blocks the component. */
    static final String SATISFYING_CONDITION = "osgi.ds.satisfying.condition";

    private final Snapshot snapshot;

    WhyNotReady(Snapshot snapshot) {
        this.snapshot = snapshot;
    }

    /** Every known resource (status services, components declaring a resource, and {@code alsoKnown}), core first, by name. */
    List<ResourceReport> reports(Set<String> alsoKnown) {
        Set<String> names = new TreeSet<>(alsoKnown);
        snapshot.statuses().forEach(s -> names.add(s.resource()));
        snapshot.components().stream().map(ComponentView::resource).filter(r -> r != null).forEach(names::add);
        List<ResourceReport> reports = new ArrayList<>();
        for (String name : names) {
            reports.add(report(name));
        }
        reports.sort(Comparator.comparing(ResourceReport::role).thenComparing(ResourceReport::resource));
        return reports;
    }

    /** The report of one resource; a name nobody declares is reported as not installed. */
    ResourceReport report(String name) {
        StatusView status = status(name);
        ComponentView component = component(name);
        boolean ready = status != null && status.ready();
        List<String> chain = ready ? List.of() : chain(name);
        ResourceRole role = status != null ? status.role() : ResourceRole.CORE;
        ResourceStatus st;
        String reason;
        if (status != null) {
            st = status.status();
            reason = status.reason();
        } else {
            ComponentConfigurationDTO c = component == null ? null : component.mostAdvanced();
            st = c != null && c.state == ComponentConfigurationDTO.FAILED_ACTIVATION ? ResourceStatus.FAILED : ResourceStatus.NOT_STARTED;
            reason = chain.isEmpty() ? "" : chain.get(0).substring(name.length() + 2);
        }
        int restarts = supervision(name).map(SupervisionState::totalRestarts).orElse(0);
        return new ResourceReport(name, role, st, ready, reason, restarts, chain);
    }

    /** Why {@code name} is not ready, outermost first; empty when it is ready. */
    List<String> chain(String name) {
        List<String> lines = new ArrayList<>();
        explainResource(name, lines, new HashSet<>());
        return List.copyOf(new LinkedHashSet<>(lines)); // a provider shared by two references is explained once
    }

    private void explainResource(String name, List<String> out, Set<String> visiting) {
        if (!visiting.add(name)) {
            out.add(name + ": part of a dependency cycle");
            return;
        }
        StatusView status = status(name);
        if (status != null && status.ready()) {
            return;
        }
        ComponentView component = component(name);
        if (component != null) {
            explainComponent(name, component, status, out, visiting);
        } else if (status != null) {
            out.add(statusLine(name, status));
        } else {
            out.add(name + ": not installed (no bundle declares resource '" + name + "')");
        }
    }

    private void explainComponent(String label, ComponentView component, StatusView status, List<String> out,
            Set<String> visiting) {
        if (!component.enabled()) {
            out.add(label + ": disabled");
            return;
        }
        ComponentConfigurationDTO config = component.mostAdvanced();
        if (config == null || config.state == ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION) {
            if (config != null || "require".equals(component.description().configurationPolicy)) {
                out.add(label + ": waiting for configuration " + String.join(", ", component.description().configurationPid));
            } else {
                out.add(label + ": not activated");
            }
            return;
        }
        switch (config.state) {
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> {
                String named = ConfigurationErrors.describe(config.failure, config.properties);
                out.add(label + ": activation failed: " + (named != null ? named : firstLine(config.failure)) + supervisionSuffix(label));
            }
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> explainUnsatisfied(label, component, config, out, visiting);
            case ComponentConfigurationDTO.SATISFIED -> {
                if (!explainFailedProviders(label, component, config, out, visiting)) {
                    out.add(status != null ? statusLine(label, status) : label + ": satisfied, not activated yet");
                }
            }
            default -> out.add(status != null ? statusLine(label, status) : label + ": active, publishes no status");
        }
    }

    private void explainUnsatisfied(String label, ComponentView component, ComponentConfigurationDTO config,
            List<String> out, Set<String> visiting) {
        for (UnsatisfiedReferenceDTO u : config.unsatisfiedReferences) {
            if (SATISFYING_CONDITION.equals(u.name)) {
                // the description DTO shows the default target; the unsatisfied DTO has the real one
                out.add(label + ": waiting for condition " + u.target);
                continue;
            }
            String type = interfaceOf(component, u.name);
            String provider = providerResource(type, component.resource());
            ComponentView dsProvider = provider == null ? dsProvider(type) : null;
            out.add(label + ": waiting for " + simpleName(type) + " (unsatisfied reference '" + u.name + "'"
                    + (provider == null && u.target != null ? ", target " + u.target : "") + ")");
            if (provider != null) {
                explainResource(provider, out, visiting);
            } else if (dsProvider != null && visiting.add(dsProvider.name())) {
                explainComponent(dsProvider.name(), dsProvider, null, out, visiting);
            }
        }
    }

    /**
     * A consumer of a failed immediate component's service sits SATISFIED with no failure text of its
     * own: the cause is the provider in FAILED_ACTIVATION. Returns whether such a provider was found.
     */
    private boolean explainFailedProviders(String label, ComponentView component, ComponentConfigurationDTO config,
            List<String> out, Set<String> visiting) {
        boolean found = false;
        for (SatisfiedReferenceDTO s : config.satisfiedReferences) {
            if (SATISFYING_CONDITION.equals(s.name)) {
                continue;
            }
            String type = interfaceOf(component, s.name);
            for (ComponentView provider : snapshot.components()) {
                ComponentConfigurationDTO pc = provider.mostAdvanced();
                if (provider != component && provider.registers(type) && pc != null
                        && pc.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    found = true;
                    String providerName = provider.resource() != null ? provider.resource() : provider.name();
                    out.add(label + ": waiting for " + simpleName(type) + " (its provider " + providerName + " failed to activate)");
                    if (provider.resource() != null) {
                        explainResource(provider.resource(), out, visiting);
                    } else if (visiting.add(provider.name())) {
                        explainComponent(provider.name(), provider, null, out, visiting);
                    }
                }
            }
        }
        return found;
    }

    private String statusLine(String name, StatusView s) {
        StringBuilder b = new StringBuilder(name).append(": ").append(s.status().name());
        if (s.status() == ResourceStatus.RUNNING) {
            b.append(" (not ready)");
        }
        String reason = s.reason() == null ? "" : s.reason().strip();
        if (!reason.isEmpty()) {
            b.append(", ").append(reason);
        }
        if (s.exception() != null && !reason.contains(s.exception())) {
            b.append(reason.isEmpty() ? ", " : ": ").append(s.exception());
        }
        return b.append(supervisionSuffix(name)).toString();
    }

    /** {@code (restart 2/3, next in 4 s)}: the planned attempt is restart 2 of a budget of 3. */
    private String supervisionSuffix(String name) {
        Optional<SupervisionState> state = supervision(name);
        if (state.isEmpty()) {
            return "";
        }
        SupervisionState s = state.get();
        if (s.verdict() != null) {
            return " (watcher: " + s.verdict().label() + " after " + s.restartsInWindow() + "/" + s.budget() + " restarts)";
        }
        if (s.nextAttemptAt() != null) {
            long ms = Math.max(0, Duration.between(snapshot.now(), s.nextAttemptAt()).toMillis());
            // the budget is charged when a restart is planned, so the planned one is already counted
            return " (restart " + s.restartsInWindow() + "/" + s.budget() + ", next in " + (ms + 999) / 1000 + " s)";
        }
        if (s.restartsInWindow() > 0) {
            return " (restarts " + s.restartsInWindow() + "/" + s.budget() + ")";
        }
        return "";
    }

    private Optional<SupervisionState> supervision(String name) {
        return Optional.ofNullable(snapshot.supervision().get(name));
    }

    /** The status service of a resource; a ready one wins when a restart briefly leaves two. */
    private StatusView status(String name) {
        StatusView found = null;
        for (StatusView s : snapshot.statuses()) {
            if (s.resource().equals(name) && (found == null || s.ready())) {
                found = s;
            }
        }
        return found;
    }

    private ComponentView component(String resource) {
        return snapshot.components().stream().filter(c -> resource.equals(c.resource())).findFirst().orElse(null);
    }

    /** The resource that registers {@code type} while ready, from status services or component descriptions. */
    private String providerResource(String type, String self) {
        for (StatusView s : snapshot.statuses()) {
            if (type.equals(s.provides()) && !s.resource().equals(self)) {
                return s.resource();
            }
        }
        for (ComponentView c : snapshot.components()) {
            if (type.equals(c.provides()) && c.resource() != null && !c.resource().equals(self)) {
                return c.resource();
            }
        }
        return null;
    }

    /**
     * A plain DS component (no resource) that would register {@code type} but cannot: disabled,
     * unconfigured or itself unsatisfied. (A satisfied one has its service registered already.)
     */
    private ComponentView dsProvider(String type) {
        for (ComponentView c : snapshot.components()) {
            ComponentConfigurationDTO cc = c.mostAdvanced();
            if (c.registers(type) && (!c.enabled() || cc == null || cc.state == ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION
                    || cc.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE)) {
                return c;
            }
        }
        return null;
    }

    private static String interfaceOf(ComponentView component, String referenceName) {
        if (component.description().references != null) {
            for (ReferenceDTO r : component.description().references) {
                if (r.name.equals(referenceName)) {
                    return r.interfaceName;
                }
            }
        }
        return referenceName;
    }

    static String simpleName(String type) {
        return type.substring(type.lastIndexOf('.') + 1);
    }

    /**
     * The first line of SCR's failure text (a stack trace). A reflection wrapper says nothing (SCR
     * wraps what a constructor throws in InvocationTargetException), so its cause's line is used.
     */
    static String firstLine(String failure) {
        if (failure == null || failure.isBlank()) {
            return "no failure recorded";
        }
        List<String> lines = failure.strip().lines().map(String::strip).toList();
        String line = lines.get(0);
        for (int i = 1; i < lines.size() && isWrapper(line); i++) {
            if (lines.get(i).startsWith(CAUSED_BY)) {
                line = lines.get(i).substring(CAUSED_BY.length());
            }
        }
        return line;
    }

    private static final String CAUSED_BY = "Caused by: ";

    private static boolean isWrapper(String line) {
        return line.startsWith("java.lang.reflect.InvocationTargetException")
                || line.startsWith("java.lang.reflect.UndeclaredThrowableException");
    }
}
