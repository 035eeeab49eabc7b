using System.Net;
using System.Text;

namespace Supporter.Grains.Notifications.Templates;

/// <summary>
/// Builds the plain-text body and its HTML alternative from the same parts, so the two never say different things
/// and every value that reaches the HTML is encoded (names and titles come from users).
/// </summary>
public sealed class MessageBuilder
{
    private readonly StringBuilder _text = new();
    private readonly StringBuilder _html = new();

    public MessageBuilder Paragraph(string text)
    {
        _text.Append(text).Append("\n\n");
        _html.Append("<p>").Append(Encode(text)).Append("</p>\n");
        return this;
    }

    /// <summary>Label: value lines, as a small table in HTML.</summary>
    public MessageBuilder Facts(params (string Label, string Value)[] facts)
    {
        _html.Append("<table>\n");
        foreach (var (label, value) in facts)
        {
            _text.Append(label).Append(": ").Append(value).Append('\n');
            _html.Append("<tr><th align=\"left\">").Append(Encode(label)).Append("</th><td>").Append(Encode(value)).Append("</td></tr>\n");
        }
        _text.Append('\n');
        _html.Append("</table>\n");
        return this;
    }

    public MessageBuilder List(IEnumerable<string> items)
    {
        _html.Append("<ul>\n");
        foreach (var item in items)
        {
            _text.Append("- ").Append(item).Append('\n');
            _html.Append("<li>").Append(Encode(item)).Append("</li>\n");
        }
        _text.Append('\n');
        _html.Append("</ul>\n");
        return this;
    }

    public MessageBuilder Link(string label, string url)
    {
        _text.Append(label).Append(": ").Append(url).Append("\n\n");
        _html.Append("<p><a href=\"").Append(Encode(url)).Append("\">").Append(Encode(label)).Append("</a></p>\n");
        return this;
    }

    public string Text => _text.ToString().TrimEnd() + "\n";

    public string Html(string title) =>
        $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{Encode(title)}</title></head><body>\n{_html}</body></html>\n";

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}
