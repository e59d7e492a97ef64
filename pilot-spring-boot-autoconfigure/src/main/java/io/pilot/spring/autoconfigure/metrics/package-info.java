/** Auto-configuration of the metrics of a Pilot node. */
package io.pilot.spring.autoconfigure.metrics;
