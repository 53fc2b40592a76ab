"""Passwords in sentences, config files and command lines: (text, expected value) tables,
positives and negatives side by side. A value of None means no real secret at all."""

import pytest

from llmwall.detectors.engine import Detector, DetectorConfig
from llmwall.detectors.entities import ENTITIES, PLACEHOLDER_SECRET, Category


@pytest.fixture(scope="module")
def detector():
    return Detector(DetectorConfig(cache_size=0, disabled=frozenset({"PROMPT_INJECTION"})))


def secrets(detector, text):
    return [
        (f.rule, text[f.start : f.end])
        for f in detector.scan(text)
        if ENTITIES.get(f.entity) is Category.SECRET and f.entity != PLACEHOLDER_SECRET
    ]


PROSE = [
    # (text, rule, value)
    (
        "my password for the portal is Summer2024!Kiel, why can't I log in?",
        "secret.prose_password",
        "Summer2024!Kiel",
    ),
    ("Login: admin / Adm1n#Rocks88 for the demo box", "secret.login_pair", "Adm1n#Rocks88"),
    (
        "The wifi password is Kaffee4all! and the guest one is open.",
        "secret.prose_password",
        "Kaffee4all!",
    ),
    (
        "Mein Passwort ist Hafen2023#Nord und es geht nicht.",
        "secret.prose_password",
        "Hafen2023#Nord",
    ),
    (
        "Das Kennwort für den Router lautet Fritz!Box-7590x.",
        "secret.prose_password",
        "Fritz!Box-7590x",
    ),
    (
        "Mein Passwort: Winter#Berg2025 — trotzdem kein Zugang.",
        "secret.prose_password",
        "Winter#Berg2025",
    ),
    (
        "Bonjour, mon mot de passe est Soleil-Rouge42 depuis hier.",
        "secret.prose_password",
        "Soleil-Rouge42",
    ),
    (
        "Le mot de passe du wifi c'est Baguette2024! et voilà.",
        "secret.prose_password",
        "Baguette2024!",
    ),
    (
        "Hola, mi contraseña es Playa_Azul2024 pero caducó.",
        "secret.prose_password",
        "Playa_Azul2024",
    ),
    ("A senha do servidor é Praia#Rio2024 desde ontem.", "secret.prose_password", "Praia#Rio2024"),
    (
        "ssh in with user deploy and pw Rv8#tq2Lx, then migrate",
        "secret.prose_password",
        "Rv8#tq2Lx",
    ),
    (
        "username ops-team, password Vend0r_P0rtal! for the portal",
        "secret.prose_password",
        "Vend0r_P0rtal!",
    ),
]
PROSE_NEGATIVES = [
    "I forgot my password again, how do I reset my password?",
    "The password must have at least 12 characters, one digit and one symbol.",
    "Password policy: the password is required and the password is case-sensitive.",
    "the password is hunter2",  # a famous joke, and too weak to be told from a word
    "The password file is passwords.txt in the vault folder.",
    "la clave es practicar todos los días",
    "Das Passwort ist abgelaufen.",
    "password reset code 4821x was sent",
    "my password is 12345678",
    "The password is in 1Password under 'Staging DB'.",
    "Login: admin / logout",
    "Login with your e-mail: jane@example.com",
    "<summary>Explicit <code>google.auth</code> credentials</summary>",
]


@pytest.mark.parametrize(("text", "rule", "value"), PROSE, ids=[v for _, _, v in PROSE])
def test_prose_password(detector, text, rule, value):
    found = secrets(detector, text)
    assert any(v == value for _, v in found), found
    assert all(v == value for _, v in found), found


@pytest.mark.parametrize("text", PROSE_NEGATIVES)
def test_prose_password_negative(detector, text):
    assert secrets(detector, text) == []


CONFIG_AND_CLI = [
    # key: value and config files
    ("smtp_pass: Lantern#Fog77", "Lantern#Fog77"),
    ("mail:\n  smtp_password: Copper_Kettle19\n", "Copper_Kettle19"),
    ("POSTGRES_PASSWORD: pg-Walrus-4418", "pg-Walrus-4418"),
    ("requirepass Bx93kLq0ZtW1\nport 6379", "Bx93kLq0ZtW1"),
    ("masterauth Qm7vX2pL9kR4", "Qm7vX2pL9kR4"),
    ("machine git.example.com login deploy password Tq8#mLp2Zx", "Tq8#mLp2Zx"),
    ("machine ftp.example\nlogin sync\npassword Ftp!Sync-4471\n", "Ftp!Sync-4471"),
    ("[client]\nuser=backup\npassword=Tulip$Ridge91\n", "Tulip$Ridge91"),
    # command lines
    ("redis-server --requirepass Bx93kLq0Zt --appendonly yes", "Bx93kLq0Zt"),
    ('command: ["redis-server", "--requirepass", "Zq81xLm2Pk"]', "Zq81xLm2Pk"),
    ("docker login -u ci-bot -p Wq7eR9tY2uI4 registry.example.com", "Wq7eR9tY2uI4"),
    ("docker login ghcr.io -u octocat --password Hx7Lq2Wm9Pz4", "Hx7Lq2Wm9Pz4"),
    ("mysql -h 10.0.3.7 -u root -pCh3rry#Tree shop", "Ch3rry#Tree"),
    ("curl -s -u admin:p@ss-W0rd-77 https://jenkins.internal/api/json", "p@ss-W0rd-77"),
    ("curl --user deploy:Hx#42kLm!p -X POST https://nexus.internal/x", "Hx#42kLm!p"),
    ("htpasswd -b -c /etc/nginx/.htpasswd admin Ng1nx-Adm!n", "Ng1nx-Adm!n"),
    ('ldapsearch -x -D "cn=admin,dc=corp" -w Ldap#Bind2024 -b "dc=corp"', "Ldap#Bind2024"),
    ("sqlcmd -S db -U sa -P Sq1!Server22 -Q 'select 1'", "Sq1!Server22"),
    ("openssl pkcs12 -export -in c.pem -out b.p12 -passout pass:P12-Export!9", "P12-Export!9"),
    ("keytool -list -keystore b.p12 -storepass St0re#Pass7", "St0re#Pass7"),
    ("redis-cli -h cache -a Rc8#vLq2Wm ping", "Rc8#vLq2Wm"),
    ("wget --user=builder --password=W9get!Mirror https://a.internal/x.tgz", "W9get!Mirror"),
    ("PGPASSWORD=Elm-Street-1984 psql -h db -U analytics", "Elm-Street-1984"),
    ("smbclient //fs/share -U alice%Smb#Share42", "Smb#Share42"),
    ("Activation key : ZAQWS-XCDER-VBGTR-FRTGU-KLMNX", "ZAQWS-XCDER-VBGTR-FRTGU-KLMNX"),
]
CONFIG_AND_CLI_NEGATIVES = [
    "docker login --password-stdin ghcr.io",
    "echo $CR_PAT | docker login ghcr.io -u octocat --password-stdin",
    "mysql -u reader -p crm",
    "htpasswd -c /etc/nginx/.htpasswd admin",  # prompts for the password
    "openssl pkcs12 -export -passout env:P12_PASS -out b.p12",
    "requirepass ${REDIS_PASSWORD}",
    "the requirepass directive sets a password",
    "curl -u admin:$TOKEN https://x",
    "tool --bypass-cache --compass north",
    "WORDPRESS_DB_PASSWORD: ${MYSQL_ROOT_PASSWORD}",
    "product code: AAAAA-AAAAA-AAAAA-AAAAA",
    "serial number 1234-5678-9012",
]


@pytest.mark.parametrize(("text", "value"), CONFIG_AND_CLI, ids=[v for _, v in CONFIG_AND_CLI])
def test_config_and_cli_password(detector, text, value):
    found = secrets(detector, text)
    assert any(v == value for _, v in found), found


@pytest.mark.parametrize("text", CONFIG_AND_CLI_NEGATIVES)
def test_config_and_cli_negative(detector, text):
    assert secrets(detector, text) == []


CONNECTION_STRINGS = [
    ("redis://:Xk29vLq7RtZp@cache:6379/0", "redis://:Xk29vLq7RtZp@cache:6379"),
    (
        'create_engine("mysql+pymysql://etl:Wq9!eR4tY@10.1.2.3/warehouse")',
        "mysql+pymysql://etl:Wq9!eR4tY@10.1.2.3",
    ),
    ("git clone https://oauth2:Tk8mWq2Lx9Pz@gitlab.com/acme/x.git", None),
    ("url=jdbc:postgresql://db:5432/orders?user=orders&password=Kq7pW2xLm9&ssl=true", "Kq7pW2xLm9"),
    (
        "jdbc:sqlserver://sql01:1433;databaseName=hr;user=hr_app;password=Pa55-Birch-71;",
        "Pa55-Birch-71",
    ),
    (
        "Server=tcp:sql.prod,1433;Database=Main;User ID=web;Password=Wh1te!Rabbit;Encrypt=True",
        "Wh1te!Rabbit",
    ),
    (
        "DRIVER={ODBC Driver 18};SERVER=sql;UID=ro;PWD=Orbit!2291x;TrustServerCertificate=yes",
        "Orbit!2291x",
    ),
]


@pytest.mark.parametrize(("text", "value"), CONNECTION_STRINGS)
def test_connection_strings_and_jdbc(detector, text, value):
    found = secrets(detector, text)
    assert found, text
    if value is not None:
        assert any(v == value for _, v in found), found


def test_query_value_ends_at_next_parameter(detector):
    text = "jdbc:mysql://db1:3306/r?user=report&password=Sunflower88$&ssl=true"
    assert ("secret.generic_assignment", "Sunflower88$") in secrets(detector, text)
