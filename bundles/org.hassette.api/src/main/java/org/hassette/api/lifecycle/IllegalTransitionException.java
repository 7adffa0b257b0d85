package org.hassette.api.lifecycle;

/** Thrown when a resource is asked to move along an edge the transition table does not allow. */
public class IllegalTransitionException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String resource;
    private final ResourceStatus from;
    private final ResourceStatus to;

    public IllegalTransitionException(String resource, ResourceStatus from, ResourceStatus to) {
        super("illegal status transition for '" + resource + "': " + from + " -> " + to
                + " (allowed from " + from + ": " + StatusTransitions.allowedFrom(from) + ")");
        this.resource = resource;
        this.from = from;
        this.to = to;
    }

    public String resource() {
        return resource;
    }

    public ResourceStatus from() {
        return from;
    }

    public ResourceStatus to() {
        return to;
    }
}
