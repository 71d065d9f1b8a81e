import Vapor

/// Every destructive console action asks first (issue 22). Its button posts to the action;
/// without `confirm=yes` in the form the route acts on nothing and answers this page instead,
/// which says what will be lost and posts the same action again with the confirmation. So a
/// forgotten template, an old page or a stray click cannot delete anything, and no script is
/// needed (the console's CSP allows none inline).
enum ConsoleConfirmation {
    /// What the page asks: the question, what follows from it, the button and where Cancel goes.
    struct Question {
        var question: String
        var consequence: String
        var button: String
        var cancel: String
    }

    static func isConfirmed(_ req: Request) -> Bool {
        (try? req.content.get(String.self, at: "confirm")) == "yes"
    }

    /// The confirmation page for the action the request posted to.
    static func ask(_ req: Request, _ question: Question, section: String) -> Response {
        let page = ConsolePage(
            req, title: question.question, section: section, notice: nil,
            content: ConfirmConsolePage(
                question: question.question, consequence: question.consequence, button: question.button, cancel: question.cancel,
                action: req.url.path))
        return Pages.render("console/confirm", page, request: req)
    }

    static let template = """
        {{<console_layout}}{{$content}}
        <h1 id="confirm-question">{{question}}</h1>
        <p class="lead" id="confirm-consequence">{{consequence}}</p>
        <form method="post" action="{{action}}" style="display:flex;gap:12px;align-items:center;flex-wrap:wrap">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="confirm" value="yes">
        <button class="danger" id="confirm-action">{{button}}</button>
        <a class="button secondary" id="confirm-cancel" href="{{cancel}}">Cancel</a>
        </form>
        {{/content}}{{/console_layout}}
        """
}

/// `console/confirm`: the question before a destructive action.
struct ConfirmConsolePage {
    var question: String
    var consequence: String
    var button: String
    var cancel: String
    /// The path the confirmed form posts to: the action's own.
    var action: String
}
