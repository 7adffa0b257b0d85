package org.hassette.simulator.internal;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A documented subset of HA's Jinja templates: text with {@code {{ expression }}} blocks (no
 * {@code {% %}} statements). Expressions: literals, variables, {@code states('x')},
 * {@code states.domain.object_id[.state|.attributes.a|...]}, {@code state_attr}, {@code is_state},
 * {@code is_state_attr}, {@code has_value}, {@code now()}, arithmetic, comparison, {@code and/or/not},
 * {@code ~}, {@code x if c else y}, and the filters listed in {@link #FILTERS}.
 */
final class Template {

    static final Set<String> FILTERS = Set.of("int", "float", "round", "lower", "upper", "title", "capitalize",
            "default", "d", "string", "abs", "length", "count", "trim", "replace", "join", "bool", "first", "last",
            "min", "max", "list");

    /** A template that cannot be parsed or rendered. */
    static final class TemplateError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TemplateError(String message) {
            super(message, null, false, false);
        }
    }

    /** Jinja's Undefined: renders as an empty string. */
    static final Object UNDEFINED = new Object() {
        @Override
        public String toString() {
            return "";
        }
    };

    /** What a render touched, for HA's {@code listeners}. */
    static final class Info {
        final Set<String> entities = new TreeSet<>();
        final Set<String> domains = new TreeSet<>();
        /** Variables that were undefined (HA logs "Template variable warning" for each, once per render). */
        final Set<String> undefined = new java.util.LinkedHashSet<>();
        boolean all;
        boolean time;
    }

    private interface Node {
        Object eval(Ctx ctx);
    }

    private static final class Ctx {
        final Home home;
        final Map<String, Object> variables;
        final Info info;

        Ctx(Home home, Map<String, Object> variables, Info info) {
            this.home = home;
            this.variables = variables;
            this.info = info;
        }
    }

    private final String source;
    private final List<Object> parts; // String or Node

    private Template(String source, List<Object> parts) {
        this.source = source;
        this.parts = parts;
    }

    String source() {
        return source;
    }

    boolean isStatic() {
        return parts.stream().noneMatch(p -> p instanceof Node);
    }

    static Template parse(String source) {
        List<Object> parts = new ArrayList<>();
        int i = 0;
        StringBuilder text = new StringBuilder();
        while (i < source.length()) {
            if (source.startsWith("{{", i)) {
                int end = findClose(source, i + 2, "}}");
                if (end < 0) {
                    throw new TemplateError("TemplateSyntaxError: unexpected end of template, expected 'end of print statement'.");
                }
                if (text.length() > 0) {
                    parts.add(text.toString());
                    text.setLength(0);
                }
                parts.add(new Parser(source.substring(i + 2, end)).parseAll());
                i = end + 2;
            } else if (source.startsWith("{%", i)) {
                throw new TemplateError("TemplateSyntaxError: the simulator's template subset has no {% %} statements");
            } else if (source.startsWith("{#", i)) {
                int end = source.indexOf("#}", i + 2);
                if (end < 0) {
                    throw new TemplateError("TemplateSyntaxError: Missing end of comment tag");
                }
                i = end + 2;
            } else {
                text.append(source.charAt(i++));
            }
        }
        if (text.length() > 0) {
            parts.add(text.toString());
        }
        return new Template(source, parts);
    }

    private static int findClose(String s, int from, String close) {
        char quote = 0;
        for (int i = from; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (s.startsWith(close, i)) {
                return i;
            }
        }
        return -1;
    }

    /** Renders to text (the REST {@code /api/template} answer). */
    String render(Home home, Map<String, Object> variables, Info info) {
        Ctx ctx = new Ctx(home, variables == null ? Map.of() : variables, info);
        StringBuilder sb = new StringBuilder();
        for (Object p : parts) {
            if (p instanceof String) {
                sb.append((String) p);
            } else {
                sb.append(str(((Node) p).eval(ctx)));
            }
        }
        return sb.toString();
    }

    private static final Pattern NUMERIC = Pattern.compile("^[+-]?(?!0\\d)\\d*(?:\\.\\d*)?$");

    /** HA's {@code _parse_result}: the native type of a rendered string when it is a Python literal. */
    static Object parseResult(String rendered) {
        String s = rendered;
        if (s.equals("True")) {
            return true;
        }
        if (s.equals("False")) {
            return false;
        }
        if (s.equals("None")) {
            return null;
        }
        if (!s.isEmpty() && NUMERIC.matcher(s).matches() && !s.equals("+") && !s.equals("-") && !s.equals(".")) {
            try {
                if (s.contains(".")) {
                    return Double.parseDouble(s);
                }
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return rendered;
            }
        }
        if ((s.startsWith("[") && s.endsWith("]")) || (s.startsWith("{") && s.endsWith("}"))) {
            try {
                Object v = new Parser(s).parseLiteralOnly();
                if (v != null) {
                    return v;
                }
            } catch (TemplateError e) {
                return rendered;
            }
        }
        return rendered;
    }

    // ---- values -----------------------------------------------------------------------------

    /** Python str() of a value as Jinja prints it. */
    static String str(Object v) {
        if (v == UNDEFINED) {
            return "";
        }
        if (v instanceof PyDateTime) {
            return v.toString();
        }
        if (v instanceof StateView) {
            return ((StateView) v).repr();
        }
        return Values.pyStr(v);
    }

    static boolean truthy(Object v) {
        if (v == null || v == UNDEFINED) {
            return false;
        }
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        if (v instanceof Number) {
            return ((Number) v).doubleValue() != 0;
        }
        if (v instanceof String) {
            return !((String) v).isEmpty();
        }
        if (v instanceof Collection) {
            return !((Collection<?>) v).isEmpty();
        }
        if (v instanceof Map) {
            return !((Map<?, ?>) v).isEmpty();
        }
        return true;
    }

    /** {@code now()}: a timezone-aware datetime in the home's zone. */
    static final class PyDateTime {
        final ZonedDateTime t;

        PyDateTime(ZonedDateTime t) {
            this.t = t;
        }

        Object attr(String name) {
            switch (name) {
                case "year": return (long) t.getYear();
                case "month": return (long) t.getMonthValue();
                case "day": return (long) t.getDayOfMonth();
                case "hour": return (long) t.getHour();
                case "minute": return (long) t.getMinute();
                case "second": return (long) t.getSecond();
                case "microsecond": return (long) (t.getNano() / 1000);
                default: return UNDEFINED;
            }
        }

        @Override
        public String toString() {
            String base = t.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
            int micros = t.getNano() / 1000;
            String off = t.getOffset().getId();
            if ("Z".equals(off)) {
                off = "+00:00";
            }
            return base + (micros != 0 ? String.format(Locale.ROOT, ".%06d", micros) : "") + off;
        }
    }

    /** {@code states.domain.object_id}: HA's TemplateState. */
    static final class StateView {
        final State s;

        StateView(State s) {
            this.s = s;
        }

        Object attr(String name) {
            switch (name) {
                case "state": return s.state();
                case "entity_id": return s.entityId();
                case "domain": return s.domain();
                case "object_id": return s.objectId();
                case "name": {
                    Object fn = s.attributes().get("friendly_name");
                    return fn != null ? fn : s.objectId().replace('_', ' ');
                }
                case "attributes": return s.attributes();
                case "last_changed": return new PyDateTime(PyTime.toInstant(s.lastChanged()).atZone(java.time.ZoneOffset.UTC));
                case "last_updated": return new PyDateTime(PyTime.toInstant(s.lastUpdated()).atZone(java.time.ZoneOffset.UTC));
                default: return UNDEFINED;
            }
        }

        String repr() {
            return "<template TemplateState(<state " + s.entityId() + "=" + s.state() + ">)>";
        }
    }

    /** {@code states} and {@code states.domain}. */
    private static final class StatesView {
        final String domain;

        StatesView(String domain) {
            this.domain = domain;
        }
    }

    // ---- functions --------------------------------------------------------------------------

    private static State lookup(Ctx ctx, Object id) {
        String entityId = String.valueOf(id).toLowerCase(Locale.ROOT);
        ctx.info.entities.add(entityId);
        return ctx.home.states().get(entityId);
    }

    private static Object call(Ctx ctx, String name, List<Object> args) {
        switch (name) {
            case "states": {
                need(name, args, 1);
                State s = lookup(ctx, args.get(0));
                return s == null ? "unknown" : s.state();
            }
            case "state_attr": {
                need(name, args, 2);
                State s = lookup(ctx, args.get(0));
                return s == null ? null : s.attributes().get(String.valueOf(args.get(1)));
            }
            case "is_state": {
                need(name, args, 2);
                State s = lookup(ctx, args.get(0));
                if (s == null) {
                    return false;
                }
                Object want = args.get(1);
                if (want instanceof List) {
                    return ((List<?>) want).stream().anyMatch(w -> s.state().equals(String.valueOf(w)));
                }
                return s.state().equals(String.valueOf(want));
            }
            case "is_state_attr": {
                need(name, args, 3);
                State s = lookup(ctx, args.get(0));
                return s != null && Values.pyEquals(s.attributes().get(String.valueOf(args.get(1))), args.get(2));
            }
            case "has_value": {
                need(name, args, 1);
                State s = lookup(ctx, args.get(0));
                return s != null && !s.state().equals("unknown") && !s.state().equals("unavailable");
            }
            case "now": {
                ctx.info.time = true;
                Instant i = PyTime.toInstant(ctx.home.now());
                return new PyDateTime(i.atZone(ctx.home.config().zone()));
            }
            case "utcnow": {
                ctx.info.time = true;
                return new PyDateTime(PyTime.toInstant(ctx.home.now()).atZone(java.time.ZoneOffset.UTC));
            }
            case "float":
            case "int":
            case "bool":
                return filter(name, args.isEmpty() ? UNDEFINED : args.get(0), args.subList(Math.min(1, args.size()), args.size()));
            default:
                throw new TemplateError("UndefinedError: '" + name + "' is undefined");
        }
    }

    private static void need(String fn, List<Object> args, int n) {
        if (args.size() < n) {
            throw new TemplateError("TypeError: " + fn + "() missing " + (n - args.size()) + " required positional argument(s)");
        }
    }

    private static double toDouble(String filter, Object v, List<Object> args) {
        if (v instanceof Number && !(v instanceof Boolean)) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof Boolean) {
            return (Boolean) v ? 1 : 0;
        }
        try {
            return Double.parseDouble(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw new TemplateError("ValueError: Template error: " + filter + " got invalid input '" + str(v)
                    + "' when rendering template but no default was specified");
        }
    }

    private static Object filter(String name, Object v, List<Object> args) {
        switch (name) {
            case "int": {
                try {
                    if (v instanceof String && ((String) v).trim().matches("[+-]?\\d+")) {
                        return Long.parseLong(((String) v).trim());
                    }
                    return (long) toDouble("int", v, args);
                } catch (TemplateError e) {
                    if (!args.isEmpty()) {
                        return args.get(0);
                    }
                    throw e;
                }
            }
            case "float":
                try {
                    return toDouble("float", v, args);
                } catch (TemplateError e) {
                    if (!args.isEmpty()) {
                        return args.get(0);
                    }
                    throw e;
                }
            case "round": {
                int digits = args.isEmpty() ? 0 : (int) toDouble("round", args.get(0), List.of());
                double d = toDouble("round", v, List.of());
                double f = Math.pow(10, digits);
                return Math.rint(d * f) / f;
            }
            case "lower": return str(v).toLowerCase(Locale.ROOT);
            case "upper": return str(v).toUpperCase(Locale.ROOT);
            case "title": return HomeGenerator.title(str(v).toLowerCase(Locale.ROOT).replace(' ', '_'));
            case "capitalize": {
                String s = str(v);
                return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1).toLowerCase(Locale.ROOT);
            }
            case "default":
            case "d": {
                boolean onFalse = args.size() > 1 && truthy(args.get(1));
                if (v == UNDEFINED || (onFalse && !truthy(v))) {
                    return args.isEmpty() ? "" : args.get(0);
                }
                return v;
            }
            case "string": return str(v);
            case "abs": {
                if (v instanceof Long || v instanceof Integer) {
                    return Math.abs(((Number) v).longValue());
                }
                return Math.abs(toDouble("abs", v, List.of()));
            }
            case "length":
            case "count":
                if (v instanceof Collection) {
                    return (long) ((Collection<?>) v).size();
                }
                if (v instanceof Map) {
                    return (long) ((Map<?, ?>) v).size();
                }
                return (long) str(v).length();
            case "trim": return str(v).trim();
            case "replace":
                if (args.size() < 2) {
                    throw new TemplateError("TypeError: replace() needs two arguments");
                }
                return str(v).replace(str(args.get(0)), str(args.get(1)));
            case "join": {
                String sep = args.isEmpty() ? "" : str(args.get(0));
                List<String> items = new ArrayList<>();
                if (v instanceof Collection) {
                    for (Object o : (Collection<?>) v) {
                        items.add(str(o));
                    }
                } else {
                    return str(v);
                }
                return String.join(sep, items);
            }
            case "bool": {
                if (v instanceof Boolean) {
                    return v;
                }
                String s = str(v).trim().toLowerCase(Locale.ROOT);
                if (List.of("1", "true", "yes", "on", "enable").contains(s)) {
                    return true;
                }
                if (List.of("0", "false", "no", "off", "disable").contains(s)) {
                    return false;
                }
                if (!args.isEmpty()) {
                    return args.get(0);
                }
                throw new TemplateError("ValueError: Template error: bool got invalid input '" + str(v)
                        + "' when rendering template but no default was specified");
            }
            case "first":
            case "last": {
                List<?> l = v instanceof List ? (List<?>) v : null;
                if (l == null) {
                    String s = str(v);
                    return s.isEmpty() ? UNDEFINED : String.valueOf(name.equals("first") ? s.charAt(0) : s.charAt(s.length() - 1));
                }
                return l.isEmpty() ? UNDEFINED : (name.equals("first") ? l.get(0) : l.get(l.size() - 1));
            }
            case "min":
            case "max": {
                if (!(v instanceof Collection) || ((Collection<?>) v).isEmpty()) {
                    return UNDEFINED;
                }
                Object best = null;
                for (Object o : (Collection<?>) v) {
                    if (best == null || (compare(o, best) < 0) == name.equals("min")) {
                        best = o;
                    }
                }
                return best;
            }
            case "list":
                if (v instanceof Collection) {
                    return new ArrayList<>((Collection<?>) v);
                }
                List<Object> chars = new ArrayList<>();
                for (char c : str(v).toCharArray()) {
                    chars.add(String.valueOf(c));
                }
                return chars;
            default:
                throw new TemplateError("TemplateAssertionError: No filter named '" + name + "'.");
        }
    }

    static int compare(Object a, Object b) {
        if (a instanceof Number && b instanceof Number) {
            return Double.compare(((Number) a).doubleValue(), ((Number) b).doubleValue());
        }
        if (a instanceof String && b instanceof String) {
            return ((String) a).compareTo((String) b);
        }
        throw new TemplateError("TypeError: '<' not supported between instances of '" + typeName(a) + "' and '"
                + typeName(b) + "'");
    }

    private static String typeName(Object v) {
        if (v == null) {
            return "NoneType";
        }
        if (v instanceof String) {
            return "str";
        }
        if (v instanceof Double) {
            return "float";
        }
        if (v instanceof Number) {
            return "int";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof List) {
            return "list";
        }
        if (v instanceof Map) {
            return "dict";
        }
        return "object";
    }

    private static Object arith(String op, Object a, Object b) {
        if (op.equals("+") && a instanceof String && b instanceof String) {
            return (String) a + b;
        }
        if (op.equals("+") && a instanceof List && b instanceof List) {
            List<Object> l = new ArrayList<>((List<?>) a);
            l.addAll((List<?>) b);
            return l;
        }
        if (!(a instanceof Number) || !(b instanceof Number) || a instanceof Boolean || b instanceof Boolean) {
            throw new TemplateError("TypeError: unsupported operand type(s) for " + op + ": '" + typeName(a) + "' and '"
                    + typeName(b) + "'");
        }
        boolean ints = !(a instanceof Double) && !(b instanceof Double);
        double x = ((Number) a).doubleValue();
        double y = ((Number) b).doubleValue();
        switch (op) {
            case "+": return ints ? (Object) (((Number) a).longValue() + ((Number) b).longValue()) : x + y;
            case "-": return ints ? (Object) (((Number) a).longValue() - ((Number) b).longValue()) : x - y;
            case "*": return ints ? (Object) (((Number) a).longValue() * ((Number) b).longValue()) : x * y;
            case "/":
                if (y == 0) {
                    throw new TemplateError("ZeroDivisionError: division by zero");
                }
                return x / y;
            case "//":
                if (y == 0) {
                    throw new TemplateError("ZeroDivisionError: integer division or modulo by zero");
                }
                return ints ? (Object) Math.floorDiv(((Number) a).longValue(), ((Number) b).longValue()) : Math.floor(x / y);
            case "%":
                if (y == 0) {
                    throw new TemplateError("ZeroDivisionError: integer division or modulo by zero");
                }
                return ints ? (Object) Math.floorMod(((Number) a).longValue(), ((Number) b).longValue()) : x - Math.floor(x / y) * y;
            default:
                throw new TemplateError("unknown operator " + op);
        }
    }

    private static Object getAttr(Ctx ctx, Object target, String name) {
        if (target instanceof StatesView) {
            StatesView sv = (StatesView) target;
            if (sv.domain == null) {
                return new StatesView(name);
            }
            State s = lookup(ctx, sv.domain + "." + name);
            return s == null ? UNDEFINED : new StateView(s);
        }
        if (target instanceof StateView) {
            return ((StateView) target).attr(name);
        }
        if (target instanceof PyDateTime) {
            return ((PyDateTime) target).attr(name);
        }
        if (target instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) target;
            return m.containsKey(name) ? m.get(name) : UNDEFINED;
        }
        return UNDEFINED;
    }

    private static Object getItem(Ctx ctx, Object target, Object key) {
        if (target instanceof StatesView || target instanceof StateView) {
            return getAttr(ctx, target, String.valueOf(key));
        }
        if (target instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) target;
            return m.containsKey(key) ? m.get(key) : UNDEFINED;
        }
        if (target instanceof List && key instanceof Number) {
            List<?> l = (List<?>) target;
            int i = ((Number) key).intValue();
            if (i < 0) {
                i += l.size();
            }
            return i >= 0 && i < l.size() ? l.get(i) : UNDEFINED;
        }
        return UNDEFINED;
    }

    // ---- parser -----------------------------------------------------------------------------

    private static final class Parser {
        private final List<String> toks = new ArrayList<>();
        private int pos;

        Parser(String expr) {
            tokenize(expr);
        }

        private void tokenize(String s) {
            int i = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '\'' || c == '"') {
                    StringBuilder sb = new StringBuilder().append('\'');
                    int j = i + 1;
                    while (j < s.length() && s.charAt(j) != c) {
                        char ch = s.charAt(j);
                        if (ch == '\\' && j + 1 < s.length()) {
                            char n = s.charAt(++j);
                            sb.append(n == 'n' ? '\n' : n == 't' ? '\t' : n);
                        } else {
                            sb.append(ch);
                        }
                        j++;
                    }
                    if (j >= s.length()) {
                        throw new TemplateError("TemplateSyntaxError: unexpected end of string");
                    }
                    toks.add(sb.toString());
                    i = j + 1;
                } else if (Character.isDigit(c)) {
                    int j = i;
                    while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '.' || s.charAt(j) == '_')) {
                        if (s.charAt(j) == '.' && (j + 1 >= s.length() || !Character.isDigit(s.charAt(j + 1)))) {
                            break;
                        }
                        j++;
                    }
                    toks.add("#" + s.substring(i, j).replace("_", ""));
                    i = j;
                } else if (Character.isLetter(c) || c == '_') {
                    int j = i;
                    while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                        j++;
                    }
                    toks.add(s.substring(i, j));
                    i = j;
                } else {
                    String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
                    if (List.of("==", "!=", "<=", ">=", "//").contains(two)) {
                        toks.add(two);
                        i += 2;
                    } else if ("()[]{}.,:|~+-*/%<>".indexOf(c) >= 0) {
                        toks.add(String.valueOf(c));
                        i++;
                    } else {
                        throw new TemplateError("TemplateSyntaxError: unexpected char '" + c + "'");
                    }
                }
            }
        }

        private String peek() {
            return pos < toks.size() ? toks.get(pos) : null;
        }

        private boolean accept(String t) {
            if (t.equals(peek())) {
                pos++;
                return true;
            }
            return false;
        }

        private void expect(String t) {
            if (!accept(t)) {
                throw new TemplateError("TemplateSyntaxError: expected '" + t + "', got '"
                        + (peek() == null ? "end of print statement" : display(peek())) + "'");
            }
        }

        private static String display(String tok) {
            return tok.startsWith("'") ? tok.substring(1) : tok.startsWith("#") ? tok.substring(1) : tok;
        }

        Node parseAll() {
            if (toks.isEmpty()) {
                throw new TemplateError("TemplateSyntaxError: Expected an expression, got 'end of print statement'");
            }
            Node n = expr();
            if (peek() != null) {
                throw new TemplateError("TemplateSyntaxError: expected token 'end of print statement', got '"
                        + display(peek()) + "'");
            }
            return n;
        }

        /** Evaluates a Python literal (list or dict of constants); null if it is not one. */
        Object parseLiteralOnly() {
            Node n = parseAll();
            Info info = new Info();
            try {
                Object v = n.eval(new Ctx(null, Map.of(), info));
                return v instanceof List || v instanceof Map ? v : null;
            } catch (RuntimeException e) {
                return null;
            }
        }

        private Node expr() {
            Node n = or();
            if ("if".equals(peek())) {
                pos++;
                Node cond = or();
                Node otherwise = accept("else") ? expr() : ctx -> UNDEFINED;
                Node then = n;
                return ctx -> truthy(cond.eval(ctx)) ? then.eval(ctx) : otherwise.eval(ctx);
            }
            return n;
        }

        private Node or() {
            Node n = and();
            while (accept("or")) {
                Node l = n;
                Node r = and();
                n = ctx -> {
                    Object a = l.eval(ctx);
                    return truthy(a) ? a : r.eval(ctx);
                };
            }
            return n;
        }

        private Node and() {
            Node n = not();
            while (accept("and")) {
                Node l = n;
                Node r = not();
                n = ctx -> {
                    Object a = l.eval(ctx);
                    return !truthy(a) ? a : r.eval(ctx);
                };
            }
            return n;
        }

        private Node not() {
            if (accept("not")) {
                Node n = not();
                return ctx -> !truthy(n.eval(ctx));
            }
            return cmp();
        }

        private Node cmp() {
            Node n = concat();
            while (true) {
                String t = peek();
                if (t == null) {
                    return n;
                }
                Node l = n;
                if (List.of("==", "!=", "<", ">", "<=", ">=").contains(t)) {
                    pos++;
                    Node r = concat();
                    n = ctx -> {
                        Object a = l.eval(ctx);
                        Object b = r.eval(ctx);
                        switch (t) {
                            case "==": return Values.pyEquals(norm(a), norm(b));
                            case "!=": return !Values.pyEquals(norm(a), norm(b));
                            case "<": return compare(a, b) < 0;
                            case ">": return compare(a, b) > 0;
                            case "<=": return compare(a, b) <= 0;
                            default: return compare(a, b) >= 0;
                        }
                    };
                } else if (t.equals("in") || (t.equals("not") && pos + 1 < toks.size() && toks.get(pos + 1).equals("in"))) {
                    boolean negate = t.equals("not");
                    pos += negate ? 2 : 1;
                    Node r = concat();
                    n = ctx -> {
                        Object a = l.eval(ctx);
                        Object b = r.eval(ctx);
                        boolean in;
                        if (b instanceof Collection) {
                            in = ((Collection<?>) b).stream().anyMatch(x -> Values.pyEquals(x, a));
                        } else if (b instanceof Map) {
                            in = ((Map<?, ?>) b).containsKey(a);
                        } else {
                            in = str(b).contains(str(a));
                        }
                        return negate != in;
                    };
                } else {
                    return n;
                }
            }
        }

        private static Object norm(Object v) {
            return v == UNDEFINED ? null : v;
        }

        private Node concat() {
            Node n = add();
            while (accept("~")) {
                Node l = n;
                Node r = add();
                n = ctx -> str(l.eval(ctx)) + str(r.eval(ctx));
            }
            return n;
        }

        private Node add() {
            Node n = mul();
            while ("+".equals(peek()) || "-".equals(peek())) {
                String op = toks.get(pos++);
                Node l = n;
                Node r = mul();
                n = ctx -> arith(op, l.eval(ctx), r.eval(ctx));
            }
            return n;
        }

        private Node mul() {
            Node n = unary();
            while ("*".equals(peek()) || "/".equals(peek()) || "//".equals(peek()) || "%".equals(peek())) {
                String op = toks.get(pos++);
                Node l = n;
                Node r = unary();
                n = ctx -> arith(op, l.eval(ctx), r.eval(ctx));
            }
            return n;
        }

        private Node unary() {
            if (accept("-")) {
                Node n = unary();
                return ctx -> arith("-", 0L, n.eval(ctx));
            }
            if (accept("+")) {
                return unary();
            }
            return postfix();
        }

        private Node postfix() {
            Node n = primary();
            while (true) {
                if (accept(".")) {
                    String name = peek();
                    if (name == null || !isName(name)) {
                        throw new TemplateError("TemplateSyntaxError: expected name after '.'");
                    }
                    pos++;
                    Node target = n;
                    n = ctx -> getAttr(ctx, target.eval(ctx), name);
                } else if (accept("[")) {
                    Node key = expr();
                    expect("]");
                    Node target = n;
                    n = ctx -> getItem(ctx, target.eval(ctx), key.eval(ctx));
                } else if (accept("|")) {
                    String name = peek();
                    if (name == null || !isName(name)) {
                        throw new TemplateError("TemplateSyntaxError: expected filter name");
                    }
                    pos++;
                    if (!FILTERS.contains(name)) {
                        throw new TemplateError("TemplateAssertionError: No filter named '" + name + "'.");
                    }
                    List<Node> args = accept("(") ? args(")") : List.of();
                    Node target = n;
                    n = ctx -> filter(name, target.eval(ctx), evalAll(ctx, args));
                } else {
                    return n;
                }
            }
        }

        private List<Node> args(String close) {
            List<Node> args = new ArrayList<>();
            if (accept(close)) {
                return args;
            }
            do {
                args.add(expr());
            } while (accept(","));
            expect(close);
            return args;
        }

        private static List<Object> evalAll(Ctx ctx, List<Node> nodes) {
            List<Object> out = new ArrayList<>(nodes.size());
            for (Node n : nodes) {
                out.add(n.eval(ctx));
            }
            return out;
        }

        private static boolean isName(String t) {
            return Character.isLetter(t.charAt(0)) || t.charAt(0) == '_';
        }

        private Node primary() {
            String t = peek();
            if (t == null) {
                throw new TemplateError("TemplateSyntaxError: unexpected end of print statement");
            }
            pos++;
            if (t.startsWith("'")) {
                String s = t.substring(1);
                return ctx -> s;
            }
            if (t.startsWith("#")) {
                String num = t.substring(1);
                Object v = num.contains(".") ? (Object) Double.parseDouble(num) : (Object) Long.parseLong(num);
                return ctx -> v;
            }
            if (t.equals("(")) {
                Node n = expr();
                expect(")");
                return n;
            }
            if (t.equals("[")) {
                List<Node> items = args("]");
                return ctx -> evalAll(ctx, items);
            }
            if (t.equals("{")) {
                List<Node[]> entries = new ArrayList<>();
                if (!accept("}")) {
                    do {
                        Node k = expr();
                        expect(":");
                        entries.add(new Node[] {k, expr()});
                    } while (accept(","));
                    expect("}");
                }
                return ctx -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    for (Node[] e : entries) {
                        m.put(str(e[0].eval(ctx)), e[1].eval(ctx));
                    }
                    return m;
                };
            }
            switch (t) {
                case "true":
                case "True":
                    return ctx -> true;
                case "false":
                case "False":
                    return ctx -> false;
                case "none":
                case "None":
                    return ctx -> null;
                default:
                    break;
            }
            if (!isName(t)) {
                throw new TemplateError("TemplateSyntaxError: unexpected '" + display(t) + "'");
            }
            if ("(".equals(peek())) {
                pos++;
                List<Node> args = args(")");
                return ctx -> call(ctx, t, evalAll(ctx, args));
            }
            return ctx -> {
                if (ctx.variables.containsKey(t)) {
                    return ctx.variables.get(t);
                }
                if (t.equals("states")) {
                    return new StatesView(null);
                }
                ctx.info.undefined.add(t);
                return UNDEFINED;
            };
        }
    }
}
