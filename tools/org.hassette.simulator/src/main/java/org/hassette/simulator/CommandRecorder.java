package org.hassette.simulator;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.osgi.annotation.versioning.ProviderType;

/** What clients sent to the simulator, oldest first, so tests can assert on calls. Bounded: the oldest entries drop. */
@ProviderType
public interface CommandRecorder {

    /** Every recorded command. */
    List<RecordedCommand> commands();

    /** The recorded commands of one type, e.g. {@code "call_service"} or {@code "POST /api/states/light.x"}. */
    List<RecordedCommand> commands(String type);

    /**
     * Waits until a command matching {@code match} has been recorded (including ones recorded before the call).
     *
     * @return the first match, or empty after {@code timeout}
     */
    Optional<RecordedCommand> awaitCommand(Predicate<RecordedCommand> match, Duration timeout) throws InterruptedException;

    /** Forgets everything recorded so far. */
    void clear();
}
