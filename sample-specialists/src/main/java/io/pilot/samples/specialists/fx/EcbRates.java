package io.pilot.samples.specialists.fx;

import io.pilot.samples.specialists.support.DataException;
import io.pilot.samples.specialists.support.DataFiles;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Reads the ECB's euro reference rates in the XML form the ECB publishes them
 * ({@code eurofxref-hist.xml}): a {@code Cube} per day holding a {@code Cube} per currency, each rate being
 * what one euro buys.
 */
public final class EcbRates {

    /** The rates bundled with the sample (see {@code data/README.md}). */
    public static final String BUNDLED = "data/fx/eurofxref-hist.xml";

    private static final String NAMESPACE = "http://www.ecb.int/vocabulary/2002-08-01/eurofxref";

    private EcbRates() {
    }

    public static ReferenceRates load(String resource) {
        Document document = DataFiles.readXml(resource);
        Map<LocalDate, Map<String, BigDecimal>> days = new TreeMap<>();
        NodeList cubes = document.getElementsByTagNameNS(NAMESPACE, "Cube");
        for (int i = 0; i < cubes.getLength(); i++) {
            Element cube = (Element) cubes.item(i);
            if (cube.hasAttribute("time")) {
                LocalDate date = date(resource, cube.getAttribute("time"));
                if (days.put(date, rates(resource, date, cube)) != null) {
                    throw new DataException(resource, "two sets of rates for " + date);
                }
            }
        }
        if (days.isEmpty()) {
            throw new DataException(resource, "no <Cube time=\"...\"> elements in the ECB namespace " + NAMESPACE);
        }
        return new ReferenceRates(days);
    }

    private static Map<String, BigDecimal> rates(String resource, LocalDate date, Element day) {
        Map<String, BigDecimal> rates = new TreeMap<>();
        NodeList cubes = day.getElementsByTagNameNS(NAMESPACE, "Cube");
        for (int i = 0; i < cubes.getLength(); i++) {
            Element cube = (Element) cubes.item(i);
            String currency = cube.getAttribute("currency");
            if (!currency.matches("[A-Z]{3}")) {
                throw new DataException(resource, date + ": currency '" + currency + "' is not an ISO 4217 code");
            }
            rates.put(currency, rate(resource, date, currency, cube.getAttribute("rate")));
        }
        return rates;
    }

    private static BigDecimal rate(String resource, LocalDate date, String currency, String text) {
        try {
            BigDecimal rate = new BigDecimal(text);
            if (rate.signum() > 0) {
                return rate;
            }
        } catch (NumberFormatException e) {
            // reported below, with the others
        }
        throw new DataException(resource, date + ": the " + currency + " rate '" + text + "' is not a positive number");
    }

    private static LocalDate date(String resource, String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new DataException(resource, "'" + text + "' is not a date (yyyy-mm-dd)");
        }
    }
}
