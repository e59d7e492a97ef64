/** The counters of the application's Pilot node as Micrometer meters. */
package io.pilot.spring.metrics;
