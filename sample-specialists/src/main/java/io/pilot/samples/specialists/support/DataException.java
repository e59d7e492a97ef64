package io.pilot.samples.specialists.support;

/**
 * A bundled data file that cannot be read or makes no sense. Thrown while a specialist loads its data, so the
 * application fails to start with the file's name and the problem rather than answering from bad data.
 */
public class DataException extends RuntimeException {

    public DataException(String resource, String problem) {
        super(resource + ": " + problem);
    }

    public DataException(String resource, String problem, Throwable cause) {
        super(resource + ": " + problem, cause);
    }
}
