package io.pilot.samples.specialists.support;

/**
 * A request a specialist refuses: a blank query, an unknown DOI or currency, a date outside the data. Its
 * message is written for the caller, who reads it on the other end of the tunnel.
 */
public class BadRequestException extends IllegalArgumentException {

    public BadRequestException(String message) {
        super(message);
    }
}
