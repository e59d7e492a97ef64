package io.pilot.samples.specialists.news;

import io.pilot.samples.specialists.support.DataException;
import io.pilot.samples.specialists.support.DataFiles;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Reads a feed in either of the two formats in use: RSS 2.0 ({@code <rss><channel><item>}, RFC 822 dates) and
 * Atom ({@code <feed><entry>} in the Atom namespace, RFC 3339 dates). An item without a title, a link or a date
 * fails the whole feed, naming the file and the item: a feed that half loads would answer searches wrongly.
 */
public final class FeedParser {

    private static final String ATOM = "http://www.w3.org/2005/Atom";

    private FeedParser() {
    }

    public static List<NewsItem> parse(FeedSource source) {
        Element root = DataFiles.readXml(source.resource()).getDocumentElement();
        if ("rss".equals(root.getLocalName()) && root.getNamespaceURI() == null) {
            Element channel = child(root, "channel")
                    .orElseThrow(() -> new DataException(source.resource(), "<rss> has no <channel>"));
            return items(source, children(channel, "item"), FeedParser::rssItem);
        }
        if ("feed".equals(root.getLocalName()) && ATOM.equals(root.getNamespaceURI())) {
            return items(source, children(root, "entry"), FeedParser::atomEntry);
        }
        throw new DataException(source.resource(), "neither RSS 2.0 (<rss>) nor Atom (<feed xmlns=\"" + ATOM + "\">)");
    }

    /** What an item holds before it is checked and named after its feed. */
    private record Raw(String title, String link, String date, String summary, List<String> categories) {
    }

    private static List<NewsItem> items(FeedSource source, List<Element> elements, Function<Element, Raw> read) {
        List<NewsItem> items = new ArrayList<>();
        for (int i = 0; i < elements.size(); i++) {
            Raw raw = read.apply(elements.get(i));
            String which = "item " + (i + 1) + (raw.title().isEmpty() ? "" : " (\"" + raw.title() + "\")");
            if (raw.title().isEmpty() || raw.link().isEmpty() || raw.date().isEmpty()) {
                throw new DataException(source.resource(), which + " needs a title, a link and a date");
            }
            items.add(new NewsItem(raw.title(), raw.link(), instant(source, which, raw.date()), source.name(), raw.summary(),
                    raw.categories()));
        }
        return items;
    }

    private static Raw rssItem(Element item) {
        return new Raw(text(item, "title"), text(item, "link"), text(item, "pubDate"), text(item, "description"),
                children(item, "category").stream().map(c -> c.getTextContent().strip()).toList());
    }

    private static Raw atomEntry(Element entry) {
        String link = children(entry, "link").stream()
                .filter(l -> !l.hasAttribute("rel") || "alternate".equals(l.getAttribute("rel")))
                .map(l -> l.getAttribute("href").strip())
                .findFirst().orElse("");
        String date = text(entry, "published").isEmpty() ? text(entry, "updated") : text(entry, "published");
        String summary = text(entry, "summary").isEmpty() ? text(entry, "content") : text(entry, "summary");
        return new Raw(text(entry, "title"), link, date, summary,
                children(entry, "category").stream().map(c -> c.getAttribute("term").strip()).toList());
    }

    /** RSS dates are RFC 822 ({@code Tue, 14 May 2024 09:30:00 +0000}), Atom dates RFC 3339. */
    private static Instant instant(FeedSource source, String which, String date) {
        try {
            return Character.isDigit(date.charAt(0)) ? OffsetDateTime.parse(date).toInstant()
                    : ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new DataException(source.resource(), which + ": '" + date + "' is neither an RFC 822 nor an RFC 3339 date");
        }
    }

    private static String text(Element parent, String name) {
        return child(parent, name).map(e -> e.getTextContent().strip()).orElse("");
    }

    private static Optional<Element> child(Element parent, String name) {
        return children(parent, name).stream().findFirst();
    }

    /** Direct children by local name: RSS elements have no namespace, Atom's all share one. */
    private static List<Element> children(Element parent, String name) {
        List<Element> children = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && name.equals(element.getLocalName())) {
                children.add(element);
            }
        }
        return children;
    }
}
