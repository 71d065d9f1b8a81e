/// The pages of the console's **Import CSV** (`BulkImportConsolePages`).
enum BulkImportConsoleTemplates {
    static let form = """
        {{<console_layout}}{{$content}}
        <p><a href="/admin/accounts?store={{store}}&amp;tab=invitations">← Invitations</a></p>
        <h1>Import CSV</h1>
        <p class="lead">Invite up to {{maxRows}} people at once. You see what would happen to every row before anything is sent.</p>
        {{#formError}}<div class="alert" role="alert" id="import-error">{{formError}}</div>{{/formError}}
        <form method="post" action="/admin/invite/bulk" enctype="multipart/form-data" id="import-form">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="import-store">Identity store</label>
        <select id="import-store" name="store">{{#stores}}<option value="{{name}}" {{#selected}}selected{{/selected}}>{{name}}</option>{{/stores}}</select>
        <label for="applicationId">Application</label>
        <select id="applicationId" name="applicationId" required><option value="">Choose an application</option>{{#applications}}<option value="{{id}}" {{#selected}}selected{{/selected}}>{{name}}</option>{{/applications}}</select>
        <p class="muted">Only OIDC applications of this store: SAML2 applications do not support customer invitation.</p>
        <label for="file">CSV file (UTF-8)</label>
        <input id="file" name="file" type="file" accept=".csv,text/csv" required>
        <p class="muted">A header row with <code>email</code> and any of: {{columns}}. Groups are names or ids separated by <code>;</code>. <a href="/admin/invite/bulk/template.csv" id="download-template">Download a template CSV</a></p>
        <button type="submit" id="preview-import">Preview</button>
        </form>
        {{/content}}{{/console_layout}}
        """

    /// Rows that will not become invitations are highlighted (colour and a word, not colour alone).
    static let rowLines = """
        {{#rows}}<tr data-row="{{row}}" class="{{#refused}}refused{{/refused}}" {{#refused}}style="background:{{#conflict}}#fff4e5{{/conflict}}{{^conflict}}#fdecea{{/conflict}}"{{/refused}}>
        <td>{{row}}</td><td style="white-space:nowrap">{{email}}</td>
        <td>{{#refused}}<strong style="color:var(--bad)">{{outcome}}</strong>{{/refused}}{{^refused}}{{outcome}}{{/refused}}</td>
        <td class="reason">{{#conflict}}already invited: a pending invitation exists{{#conflictingId}} (<a href="/admin/invitations/{{store}}/{{conflictingId}}">{{conflictingId}}</a>){{/conflictingId}}{{/conflict}}{{reason}}</td></tr>{{/rows}}
        """

    static let preview = """
        {{<console_layout}}{{$content}}
        <p><a href="/admin/invite/bulk?store={{store}}">← Choose another file</a></p>
        <h1>Import CSV: preview</h1>
        <p class="lead">{{fileName}} for <strong>{{applicationName}}</strong> in {{store}}. Nothing has been sent yet.</p>
        <p id="preview-summary"><strong>{{total}}</strong> rows: <strong id="preview-valid">{{valid}}</strong> will be invited, <strong id="preview-invalid">{{invalid}}</strong> cannot be (highlighted below, with the reason).</p>
        {{#canImport}}
        <form method="post" action="/admin/invite/bulk/confirm" id="confirm-form">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="store" value="{{store}}">
        <input type="hidden" name="applicationId" value="{{applicationId}}"><input type="hidden" name="fileName" value="{{fileName}}">
        <input type="hidden" name="idempotencyKey" value="{{idempotencyKey}}"><input type="hidden" name="csv" value="{{csv}}">
        <button type="submit" id="confirm-import">Invite {{valid}} people</button>
        </form>
        {{/canImport}}
        {{^canImport}}<div class="alert" role="alert">No row of this file can be invited. Correct the file and upload it again.</div>{{/canImport}}
        <table id="preview-table"><caption class="muted" style="text-align:left">First every row that cannot be invited, then {{#hasHiddenValid}}the first valid rows ({{hiddenValid}} more valid rows not shown){{/hasHiddenValid}}{{^hasHiddenValid}}every valid one{{/hasHiddenValid}}</caption>
        <thead><tr><th scope="col">Row</th><th scope="col">Email</th><th scope="col">Outcome</th><th scope="col">Reason</th></tr></thead><tbody>
        \(rowLines)
        </tbody></table>
        {{/content}}{{/console_layout}}
        """

    static let job = """
        {{<console_layout}}{{$content}}
        <p><a href="/admin/accounts?store={{store}}&amp;tab=invitations">← Invitations</a></p>
        <h1>Import CSV: {{#running}}running{{/running}}{{^running}}done{{/running}}</h1>
        <p class="lead">Started {{created_at}}{{#finished_at}}, finished {{finished_at}}{{/finished_at}}.{{#running}} This page updates itself every two seconds; you may leave it, the import goes on.{{/running}}</p>
        <label for="bulk-progress">Rows processed: <span id="bulk-processed">{{processed}}</span> of <span id="bulk-total">{{total}}</span> ({{percent}}%)</label>
        <progress id="bulk-progress" value="{{processed}}" max="{{total}}" style="width:100%;height:24px">{{percent}}%</progress>
        <table id="bulk-counts"><tbody><tr><th scope="row">Invited</th><td id="bulk-created">{{created}}</td><th scope="row">Already invited</th><td id="bulk-conflicts">{{conflicts}}</td><th scope="row">Errors</th><td id="bulk-errors">{{errors}}</td></tr></tbody></table>
        {{^running}}
        <p><a class="button" id="download-results" href="/admin/invite/bulk/{{store}}/{{id}}/results.csv">Download the results (CSV)</a></p>
        {{#hasNotCreated}}<h2>Rows not invited</h2>
        <table id="bulk-not-created"><thead><tr><th scope="col">Row</th><th scope="col">Email</th><th scope="col">Outcome</th><th scope="col">Reason</th></tr></thead><tbody>
        {{#notCreated}}<tr data-row="{{row}}" class="refused" style="background:{{#conflict}}#fff4e5{{/conflict}}{{^conflict}}#fdecea{{/conflict}}"><td>{{row}}</td><td style="white-space:nowrap">{{email}}</td><td><strong style="color:var(--bad)">{{outcome}}</strong></td>
        <td class="reason">{{#conflict}}already invited: a pending invitation exists{{#conflictingId}} (<a href="/admin/invitations/{{store}}/{{conflictingId}}">{{conflictingId}}</a>){{/conflictingId}}{{/conflict}}{{reason}}</td></tr>{{/notCreated}}
        </tbody></table>{{/hasNotCreated}}
        {{/running}}
        {{/content}}{{/console_layout}}
        """

    static var all: [String: String] { ["console/bulk-import": form, "console/bulk-preview": preview, "console/bulk-job": job] }
}
