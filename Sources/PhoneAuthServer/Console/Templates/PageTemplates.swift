/// The console's pages. Every state-changing form posts its `csrf` field; destructive buttons ask first
/// (`data-confirm`, handled by console.js; without JavaScript the form simply posts).
enum PageTemplates {
    static let overview = #"""
        {{<layout}}{{$content}}
        <h1>Overview</h1>
        <nav class="windows" aria-label="Period">
        {{#windows}}<a href="/console?window={{id}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a> {{/windows}}
        </nav>
        <section class="cards" aria-label="Totals">
        {{#cards}}<div class="card"><h2>{{label}}</h2><p class="figure" data-metric="{{id}}">{{value}}</p></div>{{/cards}}
        </section>
        <section><h2>Codes sent and verified</h2>{{#sendChart}}{{> chart}}{{/sendChart}}</section>
        <section><h2>Sign-ins</h2>{{#signInChart}}{{> chart}}{{/signInChart}}</section>
        <section>
        <h2>Estimated SMS spend by country</h2>
        <div class="scroll"><table>
        <thead><tr><th scope="col">Country</th><th scope="col">Market</th><th scope="col">Texts</th><th scope="col">Price each</th>
        <th scope="col">Estimated</th></tr></thead>
        <tbody>
        {{#spend}}<tr><td>{{country}}</td><td>{{market}}</td><td data-spend-sent="{{market}}">{{sent}}</td><td>{{price}}</td><td>{{usd}}</td></tr>
        {{/spend}}
        {{^spend}}<tr><td colspan="5">No texts in this period.</td></tr>{{/spend}}
        </tbody>
        <tfoot><tr><th scope="row" colspan="4">Total</th><td data-metric="spend">{{totalSpend}}</td></tr></tfoot>
        </table></div>
        </section>
        <section>
        <h2>Refusals by limit</h2>
        <div class="scroll"><table>
        <thead><tr><th scope="col">Limit</th><th scope="col">Refused</th></tr></thead>
        <tbody>
        {{#refusals}}<tr><td>{{limit}}</td><td data-refused="{{limit}}">{{count}}</td></tr>{{/refusals}}
        {{^refusals}}<tr><td colspan="2">Nothing refused in this period.</td></tr>{{/refusals}}
        </tbody></table></div>
        </section>
        {{/content}}{{/layout}}
        """#

    static let fraud = #"""
        {{<layout}}{{$content}}
        <h1>Fraud: number ranges</h1>
        <p>A range is a calling code and the next three digits. Sends and conversion are since the counters began;
        the last-hour columns are what the defence decides by.</p>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/console/fraud/block" class="inline" aria-label="Block a range">
        <input type="hidden" name="csrf" value="{{chrome.csrf}}">
        <label for="block-range">Range</label> <input id="block-range" name="range" required placeholder="+1312" value="{{range}}">
        <label for="block-reason">Reason</label> <input id="block-reason" name="reason" required maxlength="500" value="{{reason}}">
        <button type="submit">Block range</button>
        </form>
        <section>
        <h2>Blocks in force</h2>
        <div class="scroll"><table class="blocks">
        <thead><tr><th scope="col">Range</th><th scope="col">Blocked</th><th scope="col">Since</th><th scope="col">Until</th>
        <th scope="col">Reason</th><th scope="col">Action</th></tr></thead>
        <tbody>
        {{#blocks}}<tr data-block="{{range}}"><td>{{range}}</td><td>{{by}}</td><td>{{since}}</td><td>{{until}}</td><td>{{reason}}</td>
        <td><form method="post" action="/console/fraud/unblock"><input type="hidden" name="csrf" value="{{chrome.csrf}}">
        <input type="hidden" name="range" value="{{range}}"><button type="submit">Unblock</button></form></td></tr>
        {{/blocks}}
        {{^blocks}}<tr><td colspan="6">No range is blocked.</td></tr>{{/blocks}}
        </tbody></table></div>
        </section>
        <h2>{{rowsHeading}}</h2>
        <form method="get" action="/console/fraud" class="inline" role="search">
        <label for="lookup">Look up a range</label> <input id="lookup" name="lookup" required placeholder="+1312" value="{{lookup}}">
        <button type="submit">Look up</button>{{#isLookup}} <a href="/console/fraud">All ranges</a>{{/isLookup}}
        </form>
        <div class="scroll"><table class="ranges">
        <thead><tr><th scope="col">Range</th><th scope="col">Market</th><th scope="col">Sent</th><th scope="col">Verified</th>
        <th scope="col">Conversion</th><th scope="col">Unverified, last hour</th><th scope="col">Verified, last hour</th>
        <th scope="col">Allowance</th><th scope="col">State</th><th scope="col">Action</th></tr></thead>
        <tbody>
        {{#rows}}<tr data-range="{{range}}">
        <td>{{range}}</td><td>{{market}}</td><td>{{sent}}</td><td>{{verified}}</td><td>{{conversion}}</td><td>{{unverifiedLastHour}}</td>
        <td>{{verifiedLastHour}}</td><td>{{allowance}}</td><td><span class="state {{state}}">{{state}}</span>
        {{#blocked}}<br><small>{{blockDetail}}</small>{{/blocked}}</td>
        <td>{{#blocked}}<form method="post" action="/console/fraud/unblock"><input type="hidden" name="csrf" value="{{chrome.csrf}}">
        <input type="hidden" name="range" value="{{range}}"><button type="submit">Unblock</button></form>{{/blocked}}
        {{#offersBlock}}<form method="post" action="/console/fraud/block" class="row-block"><input type="hidden" name="csrf" value="{{chrome.csrf}}">
        <input type="hidden" name="range" value="{{range}}"><label for="reason-{{range}}" class="sr">Reason for blocking {{range}}</label>
        <input id="reason-{{range}}" name="reason" required maxlength="500" placeholder="reason">
        <button type="submit" data-confirm="Block {{range}}? No code will go to it until the block is lifted.">Block</button></form>{{/offersBlock}}
        </td></tr>
        {{/rows}}
        {{^rows}}<tr><td colspan="10">{{^isLookup}}No sends recorded yet.{{/isLookup}}{{#isLookup}}No such range.{{/isLookup}}</td></tr>{{/rows}}
        </tbody></table></div>
        {{/content}}{{/layout}}
        """#

    static let users = #"""
        {{<layout}}{{$content}}
        <h1>Users</h1>
        <form method="get" action="/console/users" class="inline" role="search">
        <label for="q">Phone number, user id or name</label>
        <input id="q" name="q" value="{{query}}" required minlength="2" autofocus placeholder="+1 555 010 1234">
        <button type="submit">Find</button>
        </form>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        {{#hasResults}}<section>
        <h2>Matching users</h2>
        <div class="scroll"><table class="users">
        <thead><tr><th scope="col">User</th><th scope="col">Name</th><th scope="col">Phone</th><th scope="col">Market</th>
        <th scope="col">Status</th><th scope="col">Last sign-in</th></tr></thead>
        <tbody>
        {{#results}}<tr data-user="{{id}}"><td><a href="{{link}}">{{id}}</a></td><td><a href="{{link}}">{{name}}</a></td><td>{{phone}}</td>
        <td>{{market}}</td><td>{{status}}</td><td>{{lastLogin}}</td></tr>
        {{/results}}
        </tbody></table></div>
        {{#truncated}}<p class="note">Showing the first {{shown}}; type more of the name or number to narrow it down.</p>{{/truncated}}
        </section>{{/hasResults}}
        {{/content}}{{/layout}}
        """#

    static let user = #"""
        {{<layout}}{{$content}}
        <h1>{{name}}</h1>
        <dl class="facts">
        <dt>User id</dt><dd data-field="id">{{id}}</dd>
        <dt>Phone</dt><dd data-field="phone">{{phone}}</dd>
        <dt>Market</dt><dd data-field="market">{{market}}</dd>
        <dt>Language</dt><dd>{{language}}</dd>
        <dt>Role</dt><dd data-field="role">{{role}}</dd>
        <dt>Status</dt><dd data-field="status">{{status}}{{#banReason}}: {{banReason}}{{/banReason}}</dd>
        <dt>Verified</dt><dd>{{verified}}</dd>
        <dt>Created</dt><dd>{{created}}</dd>
        <dt>Last sign-in</dt><dd>{{lastLogin}}</dd>
        <dt>Addresses</dt><dd data-field="addresses">{{addresses}}</dd>
        </dl>
        <section>
        <h2>Sessions ({{liveSessions}} live)</h2>
        <div class="scroll"><table class="sessions">
        <thead><tr><th scope="col">Device</th><th scope="col">Address</th><th scope="col">Started</th><th scope="col">Last activity</th>
        <th scope="col">State</th><th scope="col">Action</th></tr></thead>
        <tbody>
        {{#sessions}}<tr data-session="{{id}}"><td>{{device}}</td><td>{{address}}</td><td>{{started}}</td><td>{{lastActivity}}</td><td>{{state}}</td>
        <td>{{#live}}<form method="post" action="{{revokeAction}}"><input type="hidden" name="csrf" value="{{chrome.csrf}}">
        <button type="submit" data-confirm="End this session?">Revoke</button></form>{{/live}}</td></tr>
        {{/sessions}}
        {{^sessions}}<tr><td colspan="6">No sessions.</td></tr>{{/sessions}}
        </tbody></table></div>
        </section>
        <section class="actions">
        <h2>Actions</h2>
        <form method="post" action="/console/users/{{id}}/force-logout"><input type="hidden" name="csrf" value="{{chrome.csrf}}">
        <button type="submit" data-confirm="End every session of this user?">Force logout</button></form>
        {{^isSelf}}
        {{^banned}}<form method="post" action="/console/users/{{id}}/ban" class="inline"><input type="hidden" name="csrf" value="{{chrome.csrf}}">
        <label for="ban-reason">Reason</label> <input id="ban-reason" name="reason" maxlength="500" required>
        <button type="submit" class="danger" data-confirm="Ban this user? Every session ends and sign-in is refused.">Ban</button></form>{{/banned}}
        {{#banned}}<form method="post" action="/console/users/{{id}}/unban"><input type="hidden" name="csrf" value="{{chrome.csrf}}">
        <button type="submit">Lift the ban</button></form>{{/banned}}
        <form method="post" action="/console/users/{{id}}/role"><input type="hidden" name="csrf" value="{{chrome.csrf}}">
        {{#isAdmin}}<input type="hidden" name="role" value="user">
        <button type="submit" data-confirm="Remove the admin role?">Demote to user</button>{{/isAdmin}}
        {{^isAdmin}}<input type="hidden" name="role" value="admin">
        <button type="submit" data-confirm="Make this user an admin?">Promote to admin</button>{{/isAdmin}}
        </form>
        {{/isSelf}}
        </section>
        <p><a href="/console/audit?target=user:{{id}}">This user in the audit log</a></p>
        {{/content}}{{/layout}}
        """#

    static let markets = #"""
        {{<layout}}{{$content}}
        <h1>Markets</h1>
        <div class="scroll"><table>
        <thead><tr><th scope="col">Market</th><th scope="col">Country</th><th scope="col">Calling code</th><th scope="col">Users</th>
        <th scope="col">Sign-ins, last day</th><th scope="col">Sign-ins, last week</th><th scope="col">Action</th></tr></thead>
        <tbody>
        {{#rows}}<tr data-market="{{code}}"><td>{{code}}</td><td>{{country}}</td><td>{{callingCode}}</td><td data-field="users">{{users}}</td>
        <td>{{signInsDay}}</td><td>{{signInsWeek}}</td>
        <td><form method="post" action="/console/markets/{{code}}/force-logout"><input type="hidden" name="csrf" value="{{chrome.csrf}}">
        <button type="submit" data-confirm="End every session in {{country}}?">Force logout of {{code}}</button></form></td></tr>
        {{/rows}}
        </tbody></table></div>
        {{/content}}{{/layout}}
        """#

    static let audit = #"""
        {{<layout}}{{$content}}
        <h1>Audit log</h1>
        <form method="get" action="/console/audit" class="inline" role="search">
        <label for="operator">Operator (user id)</label> <input id="operator" name="operator" inputmode="numeric" value="{{operatorFilter}}">
        <label for="target">Target</label> <input id="target" name="target" placeholder="user:7" value="{{targetFilter}}">
        <button type="submit">Filter</button> <a href="/console/audit">Clear</a>
        </form>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <div class="scroll"><table class="audit">
        <thead><tr><th scope="col">When (UTC)</th><th scope="col">Operator</th><th scope="col">Action</th><th scope="col">Target</th>
        <th scope="col">Detail</th><th scope="col">Address</th><th scope="col">Via</th></tr></thead>
        <tbody>
        {{#rows}}<tr><td>{{at}}</td><td>{{who}}</td><td class="action">{{action}}</td><td>{{target}}</td><td>{{detail}}</td><td>{{address}}</td>
        <td>{{via}}</td></tr>
        {{/rows}}
        {{^rows}}<tr><td colspan="7">No entries.</td></tr>{{/rows}}
        </tbody></table></div>
        {{#olderLink}}<p><a href="{{olderLink}}">Older entries</a></p>{{/olderLink}}
        {{/content}}{{/layout}}
        """#
}
