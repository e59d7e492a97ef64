package io.pilot.cli;

/** A command that cannot be carried out, with a code, what happened, and what to do next. */
final class CliException extends Exception {

    private final String code;
    private final String hint;

    CliException(String code, String message, String hint) {
        super(message, null, false, false);
        this.code = code;
        this.hint = hint;
    }

    String code() {
        return code;
    }

    String hint() {
        return hint;
    }
}
