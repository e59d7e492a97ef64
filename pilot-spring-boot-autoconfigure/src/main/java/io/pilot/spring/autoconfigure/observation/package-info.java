/** Auto-configuration of the observation of capability calls. */
package io.pilot.spring.autoconfigure.observation;
