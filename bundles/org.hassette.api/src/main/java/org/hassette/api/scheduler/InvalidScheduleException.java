package org.hassette.api.scheduler;

/**
 * A schedule that cannot be registered: a malformed cron expression, a time that never comes. The
 * message names the expression and, for expressions, the 1-based position of the error.
 */
public class InvalidScheduleException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String expression;
    private final int position;

    /**
     * @param expression the schedule as given
     * @param position   1-based character position of the error, or 0 when not about one position
     * @param problem    what is wrong
     */
    public InvalidScheduleException(String expression, int position, String problem) {
        super(position > 0
                ? "Invalid schedule '" + expression + "' at position " + position + ": " + problem
                : "Invalid schedule '" + expression + "': " + problem);
        this.expression = expression;
        this.position = position;
    }

    /** The schedule as given. */
    public String expression() {
        return expression;
    }

    /** 1-based position of the error in {@link #expression()}, 0 when not about one position. */
    public int position() {
        return position;
    }
}
