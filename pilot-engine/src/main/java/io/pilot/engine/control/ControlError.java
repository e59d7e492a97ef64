package io.pilot.engine.control;

/**
 * Why a control request failed. The names travel in {@code "code"} and are part of the protocol: scripts
 * branch on them, so they are never renamed. Each carries a hint telling the operator what to try next.
 */
public enum ControlError {
    /** The line is not a JSON object, or an argument is missing or of the wrong type. */
    BAD_REQUEST("send one line of JSON: {\"command\":\"<name>\",\"args\":{...}}; see docs/CONTROL.md"),
    /** No command by that name. */
    UNKNOWN_COMMAND("run the 'help' command for the list of commands"),
    /** The request line, or a message to send, is larger than allowed. */
    TOO_LARGE("requests are at most 64 KiB; send large data through the node's API instead"),
    /** The client did not finish its request line in time. */
    TIMEOUT("the target or the client took too long; check that it is running, or retry"),
    /** No node has that hostname or address, or nothing matches the query. */
    NOT_FOUND("check the spelling; 'find' lists what the backbone knows"),
    /** The target did not answer or no session could be set up with it. */
    UNREACHABLE("check that the target is running and in the same realm; 'peers' shows the paths"),
    /** The directory could not be asked: the backbone does not answer and nothing is cached. */
    BACKBONE_UNREACHABLE("check the backbone endpoint and key, and that the backbone is running; 'status' shows the last error"),
    /** The backbone refused a group: it needs a token or an invitation, or the one given is not valid. */
    DENIED("a group that is not open needs its token (--token) or its owner's invitation; ask the group's owner"),
    /** Another listener holds the port on this node. */
    PORT_IN_USE("another listener holds that port on this node: choose another port, or stop that listener"),
    /** The node lacks what the command needs (no directory, no group messaging, no stop callback). */
    UNAVAILABLE("this node was started without that feature: configure a backbone (or a stop callback) and restart it"),
    /** A capability answered a call with a typed error; the message has its code and detail. */
    CAPABILITY_ERROR("the capability refused or failed the call: its code and detail say why ('describe' shows what it takes)"),
    /** Every worker is busy with other clients. */
    BUSY("retry in a moment"),
    /** As many long-running commands (listen, ping, bench) as the node allows are running already. */
    TOO_MANY_RUNNING("stop a running listen, ping or bench (Ctrl-C its pilotctl), then retry"),
    /** The client runs as another user than the node: the control socket serves only its own user. */
    FORBIDDEN("run pilotctl as the user that runs the node"),
    /** An unexpected failure inside the node; the node keeps running. */
    INTERNAL("see the node's log for the stack trace");

    private final String hint;

    ControlError(String hint) {
        this.hint = hint;
    }

    /** What the operator may try, in words. */
    public String hint() {
        return hint;
    }
}
