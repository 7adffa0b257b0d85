package org.hassette.bus.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.hassette.api.bus.Conditions;
import org.hassette.api.ha.EntityState;
import org.hassette.api.ha.StateCache;

/** Entity ids, globs and domains (a target without a dot) of a state listener. */
final class EntityMatcher {
    private final Set<String> ids;
    private final Set<String> domains;
    private final List<Pattern> globs = new ArrayList<>();
    /** Globs of the form {@code prefix*} (the common case, e.g. {@code sensor.kitchen_*}): a prefix test, no regex. */
    private final List<String> prefixes = new ArrayList<>();
    private final List<String> globTexts = new ArrayList<>();

    EntityMatcher(List<String> targets) {
        java.util.HashSet<String> i = new java.util.HashSet<>();
        java.util.HashSet<String> d = new java.util.HashSet<>();
        for (String t : targets) {
            if (t == null || t.isBlank()) {
                throw new IllegalArgumentException("blank entity id, glob or domain in " + targets);
            }
            if (Conditions.isGlob(t)) {
                String head = t.substring(0, t.length() - 1);
                if (t.endsWith("*") && !Conditions.isGlob(head)) {
                    prefixes.add(head);
                } else {
                    globs.add(Conditions.globPattern(t));
                }
                globTexts.add(t);
            } else if (t.indexOf('.') < 0) {
                d.add(t);
            } else {
                i.add(t);
            }
        }
        ids = Set.copyOf(i);
        domains = Set.copyOf(d);
    }

    boolean test(String entityId) {
        if (ids.contains(entityId)) {
            return true;
        }
        int dot = entityId.indexOf('.');
        if (dot > 0 && domains.contains(entityId.substring(0, dot))) {
            return true;
        }
        for (String prefix : prefixes) {
            if (entityId.startsWith(prefix)) {
                return true;
            }
        }
        for (Pattern p : globs) {
            if (p.matcher(entityId).matches()) {
                return true;
            }
        }
        return false;
    }

    /** The matching entities in the cache now, each once. */
    List<EntityState> current(StateCache cache) {
        Map<String, EntityState> out = new LinkedHashMap<>();
        for (String id : ids) {
            cache.get(id).ifPresent(s -> out.put(s.entityId(), s));
        }
        for (String d : domains) {
            cache.domain(d).forEach(s -> out.put(s.entityId(), s));
        }
        for (String g : globTexts) {
            cache.matching(g).forEach(s -> out.put(s.entityId(), s));
        }
        return new ArrayList<>(out.values());
    }
}
