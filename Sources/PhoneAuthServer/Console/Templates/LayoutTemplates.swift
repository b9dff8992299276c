/// The page frame, the chart partial, the sign-in and error pages. Mustache escapes every `{{value}}` as HTML;
/// no template uses the unescaped `{{{…}}}` form, so user-controlled text is always shown as text.
enum LayoutTemplates {
    static let layout = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{chrome.title}} · PhoneAuth console</title>
        <link rel="stylesheet" href="/console/assets/console.css">
        <script src="/console/assets/console.js" defer></script>
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
        <a class="brand" href="/console">PhoneAuth console</a>
        {{#chrome.signedIn}}
        <nav aria-label="Console sections"><ul>
        {{#chrome.nav}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/chrome.nav}}
        </ul></nav>
        <form class="signout" method="post" action="/console/logout">
        <input type="hidden" name="csrf" value="{{chrome.csrf}}">
        <span class="who">{{chrome.operator}}</span> <button type="submit">Sign out</button>
        </form>
        {{/chrome.signedIn}}
        </header>
        <main id="main">
        {{#chrome.notice}}<p class="notice" role="status">{{chrome.notice}}</p>{{/chrome.notice}}
        {{$content}}{{/content}}
        </main>
        </body>
        </html>
        """#

    static let chart = #"""
        <figure class="chart">
        <svg viewBox="0 0 {{width}} {{height}}" role="img" aria-labelledby="{{id}}-title" data-chart="{{id}}">
        <title id="{{id}}-title">{{title}}</title>
        {{#gridLines}}<line x1="36" x2="{{width}}" y1="{{y}}" y2="{{y}}" class="grid"/><text x="0" y="{{labelY}}" class="axis">{{label}}</text>
        {{/gridLines}}
        {{#bars}}<rect x="{{x}}" y="{{y}}" width="{{width}}" height="{{height}}" class="bar {{series}}"><title>{{tooltip}}</title></rect>
        {{/bars}}
        {{#ticks}}<text x="{{x}}" y="{{y}}" class="axis tick">{{label}}</text>{{/ticks}}
        </svg>
        <figcaption>{{#legend}}<span class="key {{series}}">{{label}}</span> {{/legend}}</figcaption>
        </figure>
        """#

    static let login = #"""
        {{<layout}}{{$content}}
        <h1>Sign in</h1>
        <p>Operators sign in with their phone number and the code it receives. Only users with the admin role get in.</p>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        {{^verificationID}}
        <form method="post" action="/console/login" class="stack">
        <input type="hidden" name="csrf" value="{{formToken}}">
        <label for="phone">Phone number</label>
        <input id="phone" name="phone" type="tel" autocomplete="tel" required value="{{phone}}" autofocus>
        <button type="submit">Send code</button>
        </form>
        {{/verificationID}}
        {{#verificationID}}
        <form method="post" action="/console/verify" class="stack">
        <input type="hidden" name="csrf" value="{{formToken}}">
        <input type="hidden" name="verification_id" value="{{verificationID}}">
        <p>A code was sent to {{maskedPhone}}.</p>
        <label for="code">Code</label>
        <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus>
        <button type="submit">Sign in</button>
        </form>
        <p><a href="/console/login">Use another number</a></p>
        {{/verificationID}}
        {{/content}}{{/layout}}
        """#

    static let error = #"""
        {{<layout}}{{$content}}
        <h1>{{heading}}</h1>
        <p class="error" role="alert">{{message}}</p>
        {{#signInLink}}<p><a href="/console/login">Sign in</a></p>{{/signInLink}}
        {{^signInLink}}<p><a href="/console">Back to the overview</a></p>{{/signInLink}}
        {{/content}}{{/layout}}
        """#
}
