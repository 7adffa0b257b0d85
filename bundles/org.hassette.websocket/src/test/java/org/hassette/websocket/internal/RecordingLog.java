package org.hassette.websocket.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every log line, at every level. */
final class RecordingLog implements ClientLog {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void debug(String message) {
        lines.add("DEBUG " + message);
    }

    @Override
    public void info(String message) {
        lines.add("INFO " + message);
    }

    @Override
    public void warn(String message) {
        lines.add("WARN " + message);
    }

    boolean contains(String text) {
        return lines.stream().anyMatch(l -> l.contains(text));
    }
}
