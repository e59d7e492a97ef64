package io.pilot.spring.tools;

import io.pilot.engine.message.ErrorCode;
import io.pilot.spring.PilotRemoteException;

/**
 * A tool call that failed, and why: {@link ErrorCode#NOT_FOUND} for a tool the catalog does not offer (or no longer
 * has a provider of), {@link ErrorCode#INVALID_ARGUMENT} for arguments that are not JSON or break the tool's input
 * schema (nothing was sent), else the code the call failed with on the mesh (the provider's typed error, a timeout,
 * an unreachable provider). The message says it in words a person or a language model can act on, the code first:
 * {@code INVALID_ARGUMENT from 'papers_search': the query is blank}.
 */
public class MeshToolException extends RuntimeException {

    private final ErrorCode code;
    private final String tool;

    public MeshToolException(String tool, ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.tool = tool;
        this.code = code;
    }

    /** The provider's typed error as a failed call of {@code tool}: its code, detail and each field error, in words. */
    public static MeshToolException from(String tool, PilotRemoteException remote) {
        StringBuilder text = new StringBuilder(remote.code() + " from '" + tool + "': " + remote.detail());
        remote.fieldErrors().forEach(error -> text.append("; '").append(error.field()).append("' ").append(error.message())
                .append(" (").append(error.rule()).append(')'));
        return new MeshToolException(tool, remote.code(), text.toString(), remote);
    }

    public ErrorCode code() {
        return code;
    }

    /** The tool that was called. */
    public String tool() {
        return tool;
    }
}
