package org.hassette.simulator.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * {@code async_track_template_result} for one {@code render_template} subscription: re-renders when
 * an entity it read changes (or every minute if it used {@code now()}) and reports only changed results.
 */
final class TemplateTracker {

    private final Home home;
    private final Template template;
    private final Map<String, Object> variables;
    private final BiConsumer<Object, Map<String, Object>> onResult;
    private final Consumer<String> onError;
    private final Consumer<String> onWarning;
    private final Runnable unlisten;
    private volatile Template.Info info = new Template.Info();
    private ScheduledFuture<?> timeTask;
    private Object lastResult;
    private boolean rendered;
    private boolean stopped;

    TemplateTracker(Home home, Template template, Map<String, Object> variables,
            BiConsumer<Object, Map<String, Object>> onResult, Consumer<String> onError, Consumer<String> onWarning) {
        this.home = home;
        this.template = template;
        this.variables = variables;
        this.onResult = onResult;
        this.onError = onError;
        this.onWarning = onWarning;
        this.unlisten = home.bus().listen(Event.STATE_CHANGED, e -> {
            Template.Info i = info;
            String id = e.entityId();
            if (i.all || i.entities.contains(id) || i.domains.contains(id.substring(0, id.indexOf('.')))) {
                refresh();
            }
        });
    }

    /** Renders now; call with the home lock held. */
    void refresh() {
        if (stopped) {
            return;
        }
        Template.Info next = new Template.Info();
        Object result;
        try {
            result = Template.parseResult(template.render(home, variables, next));
        } catch (Template.TemplateError e) {
            info = next;
            onError.accept(e.getMessage());
            return;
        }
        info = next;
        for (String name : next.undefined) { // core's _log_fn: logged (and reported) during the render, before the result
            onWarning.accept("Template variable warning: '" + name + "' is undefined when rendering '" + template.source() + "'");
        }
        if (next.time && timeTask == null) {
            timeTask = home.scheduler().scheduleAtFixedRate(() -> home.locked(() -> {
                refresh();
                return null;
            }), 60, 60, TimeUnit.SECONDS);
        }
        if (rendered && Objects.equals(typeOf(result), typeOf(lastResult)) && Values.pyEquals(result, lastResult)) {
            return;
        }
        rendered = true;
        lastResult = result;
        Map<String, Object> listeners = new LinkedHashMap<>();
        listeners.put("all", next.all);
        listeners.put("entities", new ArrayList<>(next.entities));
        listeners.put("domains", new ArrayList<>(next.domains));
        listeners.put("time", next.time);
        onResult.accept(result, listeners);
    }

    private static Class<?> typeOf(Object o) {
        return o == null ? null : o.getClass();
    }

    void stop() {
        home.locked(() -> {
            stopped = true;
            unlisten.run();
            if (timeTask != null) {
                timeTask.cancel(false);
            }
            return null;
        });
    }
}
