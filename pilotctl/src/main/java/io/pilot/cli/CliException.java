package io.pilot.cli;

/**
 * A command that cannot be carried out, with a code, what happened, what to do next, and the exit status
 * it ends pilotctl with.
 */
final class CliException extends Exception {

    private final String code;
    private final String hint;
    private final int status;

    CliException(String code, String message, String hint, int status) {
        super(message, null, false, false);
        this.code = code;
        this.hint = hint;
        this.status = status;
    }

    String code() {
        return code;
    }

    String hint() {
        return hint;
    }

    int status() {
        return status;
    }
}
