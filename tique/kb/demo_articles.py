"""The help centre's demo articles: a dozen knowledge-base articles in Spanish and English
(the same article in both languages) about using the ticket panel, business hours, the
usual VoIP faults (one-way audio, registration, inbound and outbound calls), number
portability in Spain, direct-debit changes, RMA of IP equipment and video tutorials, plus
one staff-only procedure. Bodies are Markdown; the demo data loads them as they are."""

from typing import Any

CATEGORIES: list[dict[str, str]] = [
    {"slug": "using-tique", "es": "Uso del panel de tickets", "en": "Using the ticket panel"},
    {"slug": "calls-and-audio", "es": "Llamadas y audio", "en": "Calls and audio"},
    {
        "slug": "phones-and-equipment",
        "es": "Teléfonos y equipos IP",
        "en": "Phones and IP equipment",
    },
    {"slug": "numbering", "es": "Numeración y portabilidad", "en": "Numbers and porting"},
    {"slug": "billing", "es": "Facturación y pagos", "en": "Billing and payments"},
]

ARTICLES: list[dict[str, Any]] = [
    {
        "slug": "how-to-open-a-ticket",
        "category": "using-tique",
        "internal": False,
        "es": {
            "title": "Cómo abrir un ticket",
            "body": """\
Los tickets son la forma más rápida de hacer llegar una consulta, una petición o una avería
a nuestro equipo: quedan registrados, llegan directamente al departamento que corresponde y
puedes seguir su evolución desde cualquier dispositivo.

## Antes de empezar

- Los **administradores** de la cuenta siempre pueden abrir tickets. El resto de usuarios
  solo pueden hacerlo si un administrador lo ha permitido.
- Tu nombre, la empresa y el código de cliente se toman de la cuenta: no hace falta
  escribirlos.

## Pasos

1. Inicia sesión en el panel de cliente.
2. Pulsa **Nuevo ticket** en el menú superior.
3. Elige la categoría y, dentro de ella, la opción que mejor describa tu caso.
4. Rellena el formulario: cada opción pide solo los datos que necesitamos para actuar.
5. Pulsa **Enviar el ticket**. Verás el número del ticket y te llegará un correo de
   confirmación.

## Las tres categorías

| Categoría | Para qué sirve | Ejemplos |
|---|---|---|
| **Consulta** | Dudas técnicas o comerciales | Qué códec usar, tarifas de un número 900 |
| **Petición** | Cambios en tus servicios o tu cuenta | Portabilidad, cuenta bancaria, RMA |
| **Incidencia** | Algo ha dejado de funcionar | Llamadas que no salen, teléfonos sin registro |

## Incidencias: las pruebas que ya has hecho

En una incidencia, el campo **Pruebas que ya has realizado** es obligatorio. Cuéntanos qué
has comprobado (reiniciar el router, probar desde otro teléfono, llamar desde un móvil) y
así no te pediremos repetirlo. Indica también:

- los números o extensiones afectados;
- la hora exacta de una llamada fallida, con el número de origen y el de destino;
- si las llamadas están fallando **ahora mismo**: fuera del horario de atención, esto
  decide si se atiende en el momento;
- una traza SIP, un fichero `pcap` o capturas de pantalla, si los tienes.

Abre un ticket por problema: si tienes dos averías distintas, abre dos tickets y cada una
irá al técnico adecuado.
""",
        },
        "en": {
            "title": "How to open a ticket",
            "body": """\
Tickets are the fastest way to get a question, a request or a fault to our team: they are
recorded, they go straight to the right department and you can follow them from any
device.

## Before you start

- The account's **administrators** can always open tickets. Other users can only do so if
  an administrator has allowed it.
- Your name, company and customer code come from your account: you do not need to type
  them.

## Steps

1. Sign in to the customer panel.
2. Click **New ticket** in the top menu.
3. Choose the category and, within it, the option that best describes your case.
4. Fill in the form: each option asks only for what we need to act on it.
5. Click **Send the ticket**. You will see the ticket number and receive a confirmation
   e-mail.

## The three categories

| Category | What it is for | Examples |
|---|---|---|
| **Query** | Technical or commercial questions | Which codec to use, rates for a 900 number |
| **Request** | Changes to your services or account | Number porting, new bank account, RMA |
| **Incident** | Something has stopped working | Cannot place calls, phones not registered |

## Incidents: the tests you have already done

In an incident, the **Tests you have already done** field is required. Tell us what you
have checked (restarted the router, tried another phone, called from a mobile) so we do
not ask you to repeat it. Also give us:

- the affected numbers or extensions;
- the exact time of a failed call, with the calling and called numbers;
- whether calls are failing **right now**: outside business hours, this decides whether
  the ticket is attended at once;
- a SIP trace, a `pcap` file or screenshots, if you have them.

Open one ticket per problem: if you have two different faults, open two tickets and each
will reach the right engineer.
""",
        },
    },
    {
        "slug": "finding-tickets-in-your-history",
        "category": "using-tique",
        "internal": False,
        "es": {
            "title": "Buscar tickets en el historial",
            "body": """\
La sección **Tickets** del panel muestra tu historial, del ticket más reciente al más
antiguo. Si eres administrador de la cuenta, ves los tickets de todos sus usuarios.

## Filtros

| Filtro | Para qué sirve |
|---|---|
| **ID del ticket** | Ir directamente a un ticket por su número |
| **Creado por** | Ver solo los tickets de un usuario (solo administradores) |
| **Categoría** | Consulta, petición o incidencia |
| **Estado** | Nuevo, abierto, esperando tu respuesta, en espera, resuelto o cerrado |
| **Desde / Hasta** | Limitar por fecha de creación |

Los filtros se combinan: por ejemplo, *incidencias* en estado *esperando tu respuesta*
te muestra las averías en las que el técnico necesita algo de ti.

## Búsqueda de texto

El campo **Buscar** mira en los asuntos, en los datos que rellenaste y en los mensajes.
Las tildes, las mayúsculas y las terminaciones no importan: `telefono` encuentra
«teléfonos» y `llamada` encuentra «llamadas».

- Varias palabras: deben aparecer todas. `centralita registro`
- Frase exacta, entre comillas: `"no me oyen"`
- Excluir una palabra con un guion delante: `portabilidad -rechazada`
- Excluir una frase: `audio -"fuera de horario"`
- Alternativas con `or`: `yealink or grandstream`

Con una búsqueda, los resultados se ordenan por relevancia en lugar de por fecha.

## Consejos

1. Si conoces el número del ticket, usa **ID del ticket**: es lo más rápido.
2. Para encontrar una avería antigua, busca por el número afectado (`912345678`) o por
   el modelo del equipo.
3. Los filtros quedan en la dirección de la página: guárdala en marcadores para repetir
   la misma búsqueda.
4. Por seguridad, la búsqueda no mira los datos bancarios.
""",
        },
        "en": {
            "title": "Finding tickets in your history",
            "body": """\
The **Tickets** section of the panel shows your history, newest ticket first. If you are
an administrator of the account, you see the tickets of all its users.

## Filters

| Filter | What it does |
|---|---|
| **Ticket ID** | Go straight to a ticket by its number |
| **Created by** | Only one user's tickets (administrators only) |
| **Category** | Query, request or incident |
| **Status** | New, open, waiting for customer, on hold, solved or closed |
| **From / To** | Limit by creation date |

Filters combine: for example, *incidents* that are *waiting for customer* shows the
faults where the engineer needs something from you.

## Text search

The **Search** box looks in subjects, the details you filled in and the messages. Accents,
capitals and word endings do not matter: `phone` finds "phones" and `registering` finds
"registered".

- Several words: all of them must appear. `pbx registration`
- An exact phrase, in quotes: `"cannot hear"`
- Leave a word out with a hyphen in front: `porting -rejected`
- Leave a phrase out: `audio -"after hours"`
- Alternatives with `or`: `yealink or grandstream`

With a search, results are ordered by relevance instead of by date.

## Tips

1. If you know the ticket number, use **Ticket ID**: it is the quickest way.
2. To find an old fault, search for the affected number (`912345678`) or the device
   model.
3. The filters are kept in the page address: bookmark it to repeat the same search.
4. For your security, search never looks at bank details.
""",
        },
    },
    {
        "slug": "business-hours-and-after-hours-support",
        "category": "using-tique",
        "internal": False,
        "es": {
            "title": "Horario de atención y qué se atiende fuera de horario",
            "body": """\
Nuestro equipo técnico y de atención al cliente trabaja en horario comercial, en hora
peninsular española (Madrid). Fuera de ese horario hay un técnico de guardia, pero solo
para las averías que impiden llamar o recibir llamadas.

## Horario comercial

| Día | Mañana | Tarde |
|---|---|---|
| Lunes a jueves | 09:00–14:00 | 15:00–18:00 |
| Viernes | 09:00–15:00 | — |
| Sábados, domingos y festivos | Cerrado | Cerrado |

Se consideran festivos los nacionales y los de la Comunidad de Madrid.

## Qué se atiende fuera de horario

Se atienden en el momento, con prioridad urgente, las **incidencias que afectan al
servicio telefónico**:

- No puedo realizar llamadas.
- No puedo recibir llamadas entrantes.
- Los teléfonos no están registrados.
- Audio en un solo sentido (oigo pero no me oyen, o al revés).
- Al marcar al exterior, la llamada suena en una extensión.

Una **incidencia en una centralita** u **otra anomalía** se atiende fuera de horario
solo si marcas la casilla **Las llamadas están fallando ahora mismo**.

## Qué espera al siguiente día laborable

Todo lo demás: consultas técnicas y comerciales, peticiones (portabilidades, cambios de
cuenta bancaria, RMA, ampliación de canales), cambios de horarios de la centralita,
configuración de dispositivos y asesoramiento. El ticket se registra igualmente y, en la
pantalla de confirmación y en el correo, te indicamos el día y la hora exactos en que lo
atenderemos, por ejemplo «lunes 2 de diciembre a las 09:00». El plazo de respuesta
empieza a contar entonces.

## Un ruego

Marca la casilla de llamadas fallando solo si es cierto. Cada aviso urgente despierta al
técnico de guardia, y un falso aviso retrasa la atención de quien se ha quedado sin
servicio.
""",
        },
        "en": {
            "title": "Business hours and what is attended outside them",
            "body": """\
Our technical and customer-service team works business hours, in Spanish mainland time
(Madrid). Outside those hours an engineer is on call, but only for faults that stop you
placing or receiving calls.

## Business hours

| Day | Morning | Afternoon |
|---|---|---|
| Monday to Thursday | 09:00–14:00 | 15:00–18:00 |
| Friday | 09:00–15:00 | — |
| Saturdays, Sundays and public holidays | Closed | Closed |

Public holidays are the national ones and those of the Community of Madrid.

## What is attended outside business hours

**Incidents that affect the telephone service** are attended at once, as urgent:

- Cannot place calls.
- Cannot receive calls.
- Phones not registered.
- One-way audio (I hear them but they don't hear me, or the other way round).
- An outbound call rings an extension instead.

A **PBX incident** or an **other fault** is attended outside business hours only if you
tick **Calls are failing right now**.

## What waits for the next business day

Everything else: technical and commercial queries, requests (number porting, bank account
changes, RMA, more call channels), PBX schedule changes, device configuration and advice.
The ticket is still recorded and, on the confirmation page and in the e-mail, we tell you
the exact day and time we will attend it, for example "Monday 2 December at 09:00". The
response time starts counting then.

## Please

Only tick "calls are failing" when it is true. Every urgent alert wakes the on-call
engineer, and a false alarm delays help for someone who really has no service.
""",
        },
    },
    {
        "slug": "one-way-audio",
        "category": "calls-and-audio",
        "internal": False,
        "es": {
            "title": "Audio en un solo sentido: oigo pero no me oyen (o al revés)",
            "body": """\
La señalización (SIP) establece la llamada; la voz viaja aparte, por RTP, en otros puertos
UDP. Si la llamada conecta pero el audio solo llega en un sentido, casi siempre el
problema está en el NAT o el cortafuegos de tu red, no en la línea.

![Teléfono, router (NAT), Internet y SBC: SIP 5060 y RTP 10000–20000](/static/kb/one-way-audio.svg)

## Identifica el síntoma

| Síntoma | Causa más habitual |
|---|---|
| No oigo, pero me oyen | El RTP entrante no llega: IP privada en el SDP o UDP bloqueado |
| Oigo, pero no me oyen | Tu RTP no sale: SIP ALG, salida UDP limitada o micrófono |

## Comprobaciones, en este orden

1. **Desactiva el SIP ALG** del router (a veces se llama *SIP Helper*, *SIP Passthrough*
   o *VoIP ALG*). Después reinicia el router y los teléfonos.
2. **Abre el RTP**: permite la salida UDP y el tráfico de vuelta en los puertos
   `10000–20000` UDP. Si el cortafuegos solo deja pasar `5060`, la llamada conecta pero
   el audio no.
3. **NAT en la centralita**: en Asterisk con PJSIP revisa `external_media_address`,
   `external_signaling_address` y `local_net` del transporte; con chan_sip, `externip` y
   `localnet`. No combines STUN con SIP ALG.
4. **Códecs**: pon G.711 A-law (`PCMA`) en primer lugar. Si el audio falla con un códec y
   con otro no, indícalo en el ticket.
5. **Prueba aislada**: conecta un teléfono directamente al router, sin VPN ni switches
   intermedios, y repite la llamada.
6. Si además la llamada se corta a los 30–32 segundos, el mismo problema afecta a la
   señalización: el `ACK` no llega.

## Qué incluir en el ticket

- Hora exacta de una llamada afectada, número de origen y de destino.
- Modelo de router o cortafuegos.
- Si puedes, una captura durante una llamada de prueba:
  `tcpdump -i any -s 0 -w llamada.pcap 'udp port 5060 or udp portrange 10000-20000'`
""",
        },
        "en": {
            "title": "One-way audio: I hear them but they don't hear me (or the other way round)",
            "body": """\
Signalling (SIP) sets the call up; the voice travels separately, over RTP, on other UDP
ports. If the call connects but audio only flows one way, the problem is almost always
the NAT or the firewall on your network, not the line.

![Phone, NAT router, internet and SBC: SIP 5060, RTP 10000–20000 UDP](/static/kb/one-way-audio.svg)

## Identify the symptom

| Symptom | Most common cause |
|---|---|
| I don't hear them, they hear me | Inbound RTP is lost: private IP in the SDP, or UDP blocked |
| I hear them, they don't hear me | Your RTP is lost: SIP ALG, outbound UDP blocked, microphone |

## Checks, in this order

1. **Turn SIP ALG off** on the router (sometimes called *SIP Helper*, *SIP Passthrough* or
   *VoIP ALG*). Then restart the router and the phones.
2. **Open RTP**: allow outbound UDP and the return traffic on ports `10000–20000` UDP. If
   the firewall only lets `5060` through, the call connects but the audio does not.
3. **NAT on the PBX**: on Asterisk with PJSIP check the transport's
   `external_media_address`, `external_signaling_address` and `local_net`; with chan_sip,
   `externip` and `localnet`. Do not combine STUN with SIP ALG.
4. **Codecs**: put G.711 A-law (`PCMA`) first. If audio fails with one codec and not with
   another, say so in the ticket.
5. **Isolated test**: plug one phone straight into the router, with no VPN or switches in
   between, and call again.
6. If the call also drops after 30–32 seconds, the same problem affects signalling: the
   `ACK` is not getting through.

## What to put in the ticket

- The exact time of an affected call, the calling and called numbers.
- Your router or firewall model.
- If you can, a capture during a test call:
  `tcpdump -i any -s 0 -w call.pcap 'udp port 5060 or udp portrange 10000-20000'`
""",
        },
    },
    {
        "slug": "phones-not-registering",
        "category": "phones-and-equipment",
        "internal": False,
        "es": {
            "title": "Los teléfonos no se registran",
            "body": """\
Un teléfono o una centralita sin registro no puede hacer ni recibir llamadas. En la
pantalla de estado del equipo verás si la cuenta está registrada y, si no, la última
respuesta del servidor. Revisa estos puntos en orden.

## Qué revisar

### 1. Credenciales

Usuario, usuario de autenticación y contraseña deben coincidir exactamente con los del
panel. Copia la contraseña sin espacios al principio ni al final. Tras varios intentos
fallidos seguidos, nuestro SBC bloquea temporalmente tu IP pública: si ocurre, indícanos
esa IP en el ticket.

| Respuesta | Significado |
|---|---|
| `401` y después `200 OK` | Normal: el servidor pide la contraseña y la acepta |
| `403 Forbidden` | Contraseña o usuario incorrectos, o IP bloqueada |
| `404 Not Found` | El usuario o el dominio no existen |
| `408` o sin respuesta | La petición no llega: DNS, red o cortafuegos |

### 2. Servidor y DNS

Comprueba que el servidor de registro es el que figura en el panel y que se resuelve:
`dig +short SRV _sip._udp.sip.example.com` y `dig +short sip.example.com`. Si el equipo
usa registros SRV, no pongas puerto en el campo del servidor.

### 3. Red

El teléfono debe tener IP, puerta de enlace y DNS (por DHCP o fijos). Revisa el cable, el
puerto PoE del switch y la VLAN de voz si la usas.

### 4. SIP ALG y cortafuegos

Desactiva el SIP ALG del router. Permite la salida a `5060` UDP y TCP (y `5061` TCP si
usas TLS). Detrás de NAT, usa una caducidad de registro de 300 segundos o menos y activa
el *keep-alive* cada 30 segundos.

### 5. Hora

Configura un servidor NTP y la zona horaria `Europe/Madrid`. Con TLS, un reloj desfasado
hace que el certificado parezca no válido y el registro falla.

### 6. Aprovisionamiento

Si el equipo se configura automáticamente, comprueba que la MAC dada de alta en el panel
es la suya y que descargó su fichero (en Yealink, `001565a1b2c3.cfg`). Los cambios
hechos a mano en el teléfono se pierden en el siguiente aprovisionamiento.
""",
        },
        "en": {
            "title": "Phones not registering",
            "body": """\
A phone or PBX that is not registered can neither place nor receive calls. The device's
status screen shows whether the account is registered and, if not, the server's last
response. Check these points in order.

## What to check

### 1. Credentials

The user, authentication user and password must match the panel exactly. Copy the
password without spaces at either end. After several failed attempts in a row, our SBC
blocks your public IP for a while: if that happens, give us that IP in the ticket.

| Response | Meaning |
|---|---|
| `401` then `200 OK` | Normal: the server asks for the password and accepts it |
| `403 Forbidden` | Wrong password or user, or the IP is blocked |
| `404 Not Found` | The user or the domain does not exist |
| `408` or no response | The request does not arrive: DNS, network or firewall |

### 2. Server and DNS

Check that the registrar is the one shown in the panel and that it resolves:
`dig +short SRV _sip._udp.sip.example.com` and `dig +short sip.example.com`. If the device
uses SRV records, do not put a port in the server field.

### 3. Network

The phone needs an IP address, a gateway and DNS (from DHCP or fixed). Check the cable,
the switch's PoE port and the voice VLAN if you use one.

### 4. SIP ALG and firewall

Turn SIP ALG off on the router. Allow outbound `5060` UDP and TCP (and `5061` TCP if you
use TLS). Behind NAT, use a registration expiry of 300 seconds or less and enable the
keep-alive every 30 seconds.

### 5. Time

Set an NTP server and the `Europe/Madrid` time zone. With TLS, a clock that is off makes
the certificate look invalid and registration fails.

### 6. Provisioning

If the device is provisioned automatically, check that the MAC address in the panel is
its own and that it downloaded its file (on Yealink, `001565a1b2c3.cfg`). Changes made
by hand on the phone are lost at the next provisioning.
""",
        },
    },
    {
        "slug": "cannot-receive-calls",
        "category": "calls-and-audio",
        "internal": False,
        "es": {
            "title": "No puedo recibir llamadas entrantes",
            "body": """\
Si tu caso es «las salientes funcionan, pero no puedo recibir llamadas», sigue estos pasos
antes de abrir el ticket. Muchas veces la causa está en el registro o en la ruta entrante
de la centralita, y se resuelve en minutos.

## Comprobaciones

### 1. Qué oye quien te llama

Llama a tu número desde un móvil y fíjate en lo que ocurre:

| Quien llama oye… | Lo más probable |
|---|---|
| Tono de llamada, pero no suena nada | La llamada llega, pero no encuentra el teléfono o la ruta |
| Comunicando | Todos los canales ocupados o «No molestar» activado |
| Una locución del operador | Numeración o portabilidad: avísanos cuanto antes |
| Salta el buzón de voz | Hay un desvío activo |

### 2. Registro

Las llamadas entrantes se envían a la dirección del último registro. Si el registro
caduca y el router cierra el puerto NAT, las salientes siguen funcionando pero las
entrantes no llegan. Usa una caducidad de 300 segundos o menos y el *keep-alive* activado,
y desactiva el SIP ALG.

### 3. Desvíos y «No molestar»

Revisa el teléfono y el panel: un desvío incondicional o el modo «No molestar» olvidados
son más habituales de lo que parece.

### 4. Centralita

- Comprueba que la **ruta entrante** acepta el formato en que te entregamos el número
  (`912345678` o `+34912345678`). Lo verás en la línea `INVITE` o en la cabecera `To`
  de una traza.
- Revisa el horario de la centralita: quizá esté enviando las llamadas a la locución de
  fuera de horario.
- Si el troncal se autentica por IP, el cortafuegos debe aceptar SIP en `5060` desde
  nuestras IP de señalización y redirigirlo a la centralita.

### 5. Portabilidad reciente

Si el número se ha portado en los últimos días y solo fallan llamadas desde algunos
operadores, indícalo: puede faltar la actualización en el operador de origen.

## Qué incluir en el ticket

El número al que se llamó, el número de quien llamaba, la hora exacta de la llamada
fallida y lo que oyó quien llamaba.
""",
        },
        "en": {
            "title": "I cannot receive calls",
            "body": """\
If your case is "outbound calls work, but I cannot receive calls", go through these steps
before opening the ticket. The cause is often the registration or the PBX's inbound
route, and it can be fixed in minutes.

## Checks

### 1. What the caller hears

Call your number from a mobile and note what happens:

| The caller hears… | Most likely |
|---|---|
| Ringing, but nothing rings here | The call arrives but cannot find the phone or the route |
| Busy | All channels in use, or "Do not disturb" is on |
| A recorded operator message | Numbering or porting: tell us at once |
| Voicemail straight away | A call forward is active |

### 2. Registration

Inbound calls are sent to the address of the last registration. If the registration
expires and the router closes the NAT port, outbound calls keep working but inbound calls
never arrive. Use an expiry of 300 seconds or less with keep-alive on, and turn SIP ALG
off.

### 3. Call forwarding and "Do not disturb"

Check the phone and the panel: a forgotten unconditional forward or "Do not disturb" is
more common than it seems.

### 4. PBX

- Check that the **inbound route** accepts the format in which we deliver the number
  (`912345678` or `+34912345678`). You can see it in the `INVITE` line or the `To`
  header of a trace.
- Check the PBX schedule: it may be sending calls to the closed-hours announcement.
- If the trunk authenticates by IP, the firewall must accept SIP on `5060` from our
  signalling IPs and forward it to the PBX.

### 5. Recent porting

If the number was ported in the last few days and only calls from some operators fail,
say so: the donor operator's update may be missing.

## What to put in the ticket

The number that was called, the caller's number, the exact time of the failed call and
what the caller heard.
""",
        },
    },
    {
        "slug": "cannot-make-calls",
        "category": "calls-and-audio",
        "internal": False,
        "es": {
            "title": "No puedo realizar llamadas salientes",
            "body": """\
Si al marcar no se cursa la llamada, lo que oyes y la respuesta SIP que registra el
teléfono o la centralita suelen indicar la causa. Búscala en el registro de llamadas del
equipo o en la consola de la centralita.

## Respuestas SIP más habituales

| Respuesta | Causa habitual |
|---|---|
| `403 Forbidden` | Destino bloqueado, saldo o fianza agotados, o identificador no autorizado |
| `404` o `484 Address Incomplete` | El número no tiene el formato correcto |
| `486 Busy Here` o `503` | Todos los canales contratados están ocupados |
| `488 Not Acceptable Here` | No hay ningún códec en común |
| Sin respuesta o `408` | El equipo no está registrado o la red no llega |

## Comprobaciones

1. **Formato del número**: nacional con 9 cifras (`912345678`, `612345678`);
   internacional con `00` o `+` y el prefijo del país. Si tu centralita usa un prefijo de
   línea exterior (el `0` o el `9`), comprueba que lo quita antes de enviarnos la llamada.
2. **Registro**: el teléfono o la centralita deben figurar como registrados. Si no, sigue
   el artículo sobre teléfonos que no se registran.
3. **Destinos restringidos**: por defecto están bloqueados los números de tarificación
   adicional (`803`, `806`, `807`, `905`) y algunos destinos internacionales. Se habilitan
   con una petición.
4. **Saldo y fianza**: en cuentas con fianza, al alcanzar el límite se bloquean las
   salientes. Puedes pedir que se amplíe.
5. **Canales**: si fallan solo en horas punta, quizá tengas más llamadas simultáneas que
   canales contratados. Pide ampliar el número de canales.
6. **Identificador de llamada**: el número que presentas debe ser tuyo; presentar un
   número ajeno provoca el rechazo.

## Cuando la llamada suena en una extensión

Si al marcar al exterior suena una extensión interna, el plan de marcación de la
centralita encaja el número con una extensión antes que con la ruta saliente. Ocurre con
extensiones de tres cifras que empiezan por `1`: quien marca `112` llama a la extensión
112. Renumera las extensiones o revisa el orden de las reglas, y **comprueba siempre que
el 112 sale al exterior**.

## Qué incluir en el ticket

El número marcado, la hora de un intento fallido y lo que oíste: un tono, una locución o
silencio.
""",
        },
        "en": {
            "title": "I cannot make outbound calls",
            "body": """\
If a call does not go through when you dial, what you hear and the SIP response logged by
the phone or PBX usually point to the cause. Look for it in the device's call log or in
the PBX console.

## Most common SIP responses

| Response | Usual cause |
|---|---|
| `403 Forbidden` | Destination blocked, credit or deposit used up, or caller ID not allowed |
| `404` or `484 Address Incomplete` | The number is not in the right format |
| `486 Busy Here` or `503` | All the channels you have are in use |
| `488 Not Acceptable Here` | No codec in common |
| No response or `408` | The device is not registered or the network does not reach us |

## Checks

1. **Number format**: national numbers have 9 digits (`912345678`, `612345678`);
   international ones start with `00` or `+` and the country code. If your PBX uses an
   outside-line prefix (`0` or `9`), check that it strips it before sending us the call.
2. **Registration**: the phone or PBX must show as registered. If it does not, follow the
   article on phones not registering.
3. **Restricted destinations**: premium-rate numbers (`803`, `806`, `807`, `905`) and some
   international destinations are blocked by default. They are enabled with a request.
4. **Credit and deposit**: on accounts with a deposit, outbound calls stop when the limit
   is reached. You can ask for a higher deposit.
5. **Channels**: if calls fail only at peak times, you may have more simultaneous calls
   than channels. Ask for more call channels.
6. **Caller ID**: the number you present must be yours; presenting someone else's number
   gets the call rejected.

## When the call rings an extension

If an outside call rings an internal extension, the PBX dial plan matches the number to
an extension before the outbound route. It happens with three-digit extensions starting
with `1`: dialling `112` calls extension 112. Renumber the extensions or reorder the
rules, and **always check that 112 goes out**.

## What to put in the ticket

The number dialled, the time of a failed attempt and what you heard: a tone, a recorded
message or silence.
""",
        },
    },
    {
        "slug": "number-portability-in-spain",
        "category": "numbering",
        "internal": False,
        "es": {
            "title": "Portabilidad de números en España: pasos y documentación",
            "body": """\
Con la portabilidad conservas tus números al pasarte a nosotros. Nosotros la tramitamos
con tu operador actual; tú no tienes que hacer nada con él. **No des de baja la línea
antes de que termine la portabilidad**: un número dado de baja vuelve a su operador y ya
no se puede portar.

## Qué necesitamos

Abre una petición **Quiero un traspaso de numeración** con:

1. Los números que quieres traer, uno por línea. Si tienes un número de cabecera con
   números asociados (un bloque de DDI o una antigua RDSI), indícalos todos: portar solo
   una parte suele provocar el rechazo.
2. El operador actual.
3. El nombre del titular y su **NIF o CIF exactamente como constan en ese operador**.
   Cópialos de una factura.
4. La fecha que prefieres para el cambio.
5. El formulario de portabilidad, firmado por el titular o por su representante.
6. La última factura del operador actual.

Los números geográficos (91, 93, 96…) deben usarse en su provincia: si tu dirección está
en otra, consúltanos antes.

## Plazos

| Fase | Plazo |
|---|---|
| Revisamos la documentación | 1 día laborable |
| Solicitud al operador actual | Cambio en 1 día hábil, o en la fecha que elijas |
| Cambio efectivo | De madrugada, en la ventana del día acordado |

## La ventana de cambio

El cambio se hace de madrugada, cuando hay menos tráfico. Antes de esa noche:

- Crea en tu centralita las rutas entrantes de los números portados.
- Ten en cuenta que durante la ventana puede haber unos minutos sin llamadas entrantes.
- A la mañana siguiente, llama a cada número desde un móvil y desde un fijo de otro
  operador.

## Motivos de rechazo más habituales

- El NIF, el CIF o el nombre no coinciden con los del operador actual.
- Ya hay otra portabilidad en curso para ese número.
- La línea está dada de baja o suspendida por impago.
- Falta parte de la numeración asociada.

Si el operador actual rechaza la solicitud, te indicaremos el motivo en el ticket para que
corrijas los datos y la volvamos a enviar.
""",
        },
        "en": {
            "title": "Porting numbers in Spain: steps and documents",
            "body": """\
Porting lets you keep your numbers when you move to us. We handle it with your current
operator; you do not need to do anything with them. **Do not cancel the line before the
port is complete**: a cancelled number goes back to its operator and can no longer be
ported.

## What we need

Open a **Port numbers to us** request with:

1. The numbers you want to bring, one per line. If you have a main number with associated
   numbers (a DDI block or an old ISDN line), list them all: porting only part of them
   usually gets the request rejected.
2. Your current operator.
3. The holder's name and **NIF or CIF exactly as your current operator has them**. Copy
   them from an invoice.
4. Your preferred date for the switch.
5. The porting form, signed by the holder or their representative.
6. The latest invoice from your current operator.

Geographic numbers (91, 93, 96…) must be used in their province: if your address is in a
different one, ask us first.

## Timing

| Stage | Time |
|---|---|
| We check the documents | 1 business day |
| Request to the current operator | Switch within 1 business day, or on the date you choose |
| The switch itself | Overnight, in the window of the agreed day |

## The switching window

The switch happens overnight, when there is least traffic. Before that night:

- Create inbound routes for the ported numbers on your PBX.
- Expect a few minutes without inbound calls during the window.
- The next morning, call each number from a mobile and from another operator's landline.

## Most common reasons for rejection

- The NIF, CIF or name does not match the current operator's records.
- Another port is already in progress for that number.
- The line has been cancelled or suspended for non-payment.
- Part of the associated numbers is missing.

If the current operator rejects the request, we tell you why in the ticket so that you
can correct the details and we can send it again.
""",
        },
    },
    {
        "slug": "change-bank-account-for-direct-debit",
        "category": "billing",
        "internal": False,
        "es": {
            "title": "Cambiar la cuenta bancaria de la domiciliación",
            "body": """\
Para que tus recibos se carguen en otra cuenta, abre la petición **Quiero un cambio de
cuenta bancaria**. Solo los administradores de la cuenta ven esta opción, porque contiene
datos bancarios.

## Datos que te pediremos

| Dato | Ejemplo | Comprobación |
|---|---|---|
| IBAN | `ES91 2100 0418 4502 0005 1332` | Se validan los dígitos de control |
| Titular de la cuenta | Talleres Pérez, S.L. | Tal como figura en el banco |
| NIF, CIF o NIE del titular | `B12345674` | Se valida el formato |
| Mandato SEPA firmado | PDF o foto legible | Adjunto obligatorio |

## Pasos

1. Rellena la orden de domiciliación SEPA con el IBAN nuevo. Si no tienes nuestro modelo,
   pídelo con una consulta comercial y te lo enviamos.
2. Que la firme el **titular de la cuenta bancaria**, que puede no ser el titular del
   contrato.
3. Abre la petición, rellena los datos y adjunta el mandato firmado.
4. Te confirmaremos en el ticket a partir de qué factura se aplica el cambio.

## Empresas: esquema B2B

Si el mandato es B2B (entre empresas), avisa a tu banco y dale la referencia del mandato
antes del primer cargo. Si el banco no lo tiene registrado, devolverá el recibo y se
generarán gastos de devolución. En el esquema básico (CORE) no hace falta ese aviso.

## Para evitar problemas

- Si la factura del mes ya se ha emitido, ese recibo se cargará todavía en la cuenta
  anterior. **No la canceles** hasta ver el primer cargo en la nueva.
- No envíes el IBAN por correo ni en otro tipo de ticket: en esta petición queda
  protegido.
- Por seguridad, en el panel, en los correos y en la API verás el IBAN enmascarado: solo
  el país y los cuatro últimos dígitos (`ES…1332`). Solo el equipo de facturación ve el
  número completo.

Si lo que quieres es dejar de pagar por domiciliación, usa la petición **Quiero cancelar
la domiciliación bancaria** e indica el método de pago alternativo.
""",
        },
        "en": {
            "title": "Changing the bank account for direct debit",
            "body": """\
To have your bills charged to another account, open the **Change my bank account**
request. Only the account's administrators see this option, because it carries bank
details.

## What we will ask for

| Detail | Example | Check |
|---|---|---|
| IBAN | `ES91 2100 0418 4502 0005 1332` | The check digits are validated |
| Account holder | Talleres Pérez, S.L. | As the bank has it |
| Holder's NIF, CIF or NIE | `B12345674` | The format is validated |
| Signed SEPA mandate | PDF or a legible photo | Required attachment |

## Steps

1. Fill in the SEPA direct-debit mandate with the new IBAN. If you do not have our form,
   ask for it with a commercial query and we will send it.
2. Have it signed by the **bank account holder**, who may not be the holder of the
   contract.
3. Open the request, fill in the details and attach the signed mandate.
4. We will confirm in the ticket from which invoice the change applies.

## Businesses: the B2B scheme

If the mandate is B2B (business to business), tell your bank and give it the mandate
reference before the first charge. If the bank has not registered it, it will return the
bill and return fees will apply. With the basic (CORE) scheme there is no need.

## To avoid problems

- If this month's invoice has already been issued, that bill will still be charged to
  the old account. **Do not close it** until you see the first charge on the new one.
- Do not send your IBAN by e-mail or in another kind of ticket: in this request it is
  protected.
- For your security, the panel, e-mails and the API show the IBAN masked: only the
  country and the last four digits (`ES…1332`). Only the billing team sees the full
  number.

If you want to stop paying by direct debit, use the **Cancel direct debit** request and
give the alternative payment method.
""",
        },
    },
    {
        "slug": "rma-of-ip-equipment",
        "category": "phones-and-equipment",
        "internal": False,
        "es": {
            "title": "RMA de equipos IP: cómo devolver un equipo averiado",
            "body": """\
Si un teléfono IP, un adaptador ATA o un router que te suministramos tiene una avería,
tramita su devolución (RMA) con la petición **Quiero tramitar el RMA de los equipos IP**.

## Antes de pedir el RMA

Muchas «averías» son de configuración. Comprueba primero:

1. Que el equipo arranca con otro cable, otro puerto PoE del switch u otro alimentador.
2. Que el fallo sigue después de restablecer los valores de fábrica.
3. Que el mismo problema no aparece en otro equipo conectado en el mismo punto de red.

## Datos que necesitamos

| Dato | Dónde encontrarlo |
|---|---|
| Modelo | En la etiqueta inferior o en el menú **Estado** |
| Dirección MAC | Etiqueta inferior o menú **Estado**: 12 cifras hexadecimales |
| Número de serie | Etiqueta inferior, junto a «S/N» |
| Factura de compra | Su número o la fecha de compra |
| Dirección de envío | Donde quieres recibir el equipo reparado o sustituido |

La MAC puede escribirse con o sin separadores: `00:15:65:A1:B2:C3`, `00-15-65-a1-b2-c3`
y `001565A1B2C3` son la misma.

Describe el fallo con detalle (no enciende, pantalla en blanco, sin audio en el
auricular, reinicios…) y **las pruebas que ya has hecho**.

## Cómo enviarlo

1. Espera a que aprobemos el RMA: te daremos en el ticket un número de RMA y las
   instrucciones de recogida. No se aceptan envíos sin número de RMA.
2. Restablece los valores de fábrica del equipo si aún arranca.
3. Embálalo en su caja original o bien protegido. No incluyas accesorios salvo que
   formen parte de la avería (por ejemplo, el alimentador).
4. Escribe el número de RMA en el exterior de la caja.
5. Entrégalo a la mensajería el día de la recogida y guarda el justificante.

Cuando lo recibamos, lo diagnosticaremos y te enviaremos el equipo reparado o uno de
sustitución a la dirección indicada. Te avisaremos en el mismo ticket de cada paso.
""",
        },
        "en": {
            "title": "RMA of IP equipment: how to return a faulty device",
            "body": """\
If an IP phone, ATA adapter or router we supplied is faulty, arrange its return (RMA)
with the **RMA of IP equipment** request.

## Before asking for an RMA

Many "faults" are configuration problems. First check:

1. That the device starts with another cable, another PoE port on the switch or another
   power supply.
2. That the fault is still there after a factory reset.
3. That the same problem does not appear on another device plugged in at the same point.

## What we need

| Detail | Where to find it |
|---|---|
| Model | On the label underneath or in the **Status** menu |
| MAC address | Label underneath or **Status** menu: 12 hexadecimal digits |
| Serial number | Label underneath, next to "S/N" |
| Purchase invoice | Its number or the purchase date |
| Shipping address | Where you want the repaired or replacement device |

The MAC can be typed with or without separators: `00:15:65:A1:B2:C3`,
`00-15-65-a1-b2-c3` and `001565A1B2C3` are the same.

Describe the fault in detail (does not power on, blank screen, no audio in the handset,
restarts…) and **the tests you have already done**.

## How to ship it

1. Wait until we approve the RMA: we will give you an RMA number and the collection
   instructions in the ticket. Parcels without an RMA number are not accepted.
2. Reset the device to factory settings if it still starts.
3. Pack it in its original box or well protected. Do not include accessories unless
   they are part of the fault (the power supply, for example).
4. Write the RMA number on the outside of the box.
5. Hand it to the courier on the collection day and keep the receipt.

Once it arrives, we diagnose it and send you the repaired device or a replacement at the
address you gave. We keep you informed of every step in the same ticket.
""",
        },
    },
    {
        "slug": "video-tutorials",
        "category": "using-tique",
        "internal": False,
        "es": {
            "title": "Vídeos tutoriales",
            "body": """\
En nuestro canal encontrarás vídeos cortos que muestran, paso a paso, cómo configurar
los equipos y servicios más habituales. Son una buena forma de resolver una duda sin
esperar a que te respondamos, y de conocer todo lo que puedes hacer con la telefonía IP.

## Panel y tickets

[Cómo abrir un ticket y seguir su estado](https://www.youtube.com/watch?v=q7Lf3XbN2kA)

[Buscar en el historial de tickets con filtros](https://www.youtube.com/watch?v=Fh2mTz8RcQo)

## Teléfonos y red

[Configurar un teléfono Yealink serie T4 paso a paso](https://www.youtube.com/watch?v=Yk4T2mR9wPc)

[Configurar un teléfono Grandstream GRP](https://www.youtube.com/watch?v=gS8pZ1nQv0E)

[Desactivar el SIP ALG en los routers más habituales](https://www.youtube.com/watch?v=Al9d0XsJr3M)

[Capturar una traza SIP con Wireshark](https://www.youtube.com/watch?v=Ws6jF1aDq7o)

## Centralita virtual

[Crear extensiones y grupos de llamada](https://www.youtube.com/watch?v=Cx3vB7tHk2Q)

[Locución de bienvenida y menú de opciones (IVR)](https://www.youtube.com/watch?v=Iv5rN0eWm8s)

[Horarios, festivos y desvíos fuera de horario](https://www.youtube.com/watch?v=Hr2Lk9pYc4U)

## Numeración

[Cómo rellenar el formulario de portabilidad](https://www.youtube.com/watch?v=Pt8mC3uZx5L)

## Consejos

- Los vídeos se actualizan cuando cambia el panel o el firmware de los equipos: si algo
  no coincide con lo que ves, puede que tu equipo tenga una versión anterior.
- Si después de ver un vídeo el problema sigue, abre un ticket e indica qué vídeo has
  seguido y en qué paso te has quedado: nos ahorra preguntas y acelera la respuesta.
""",
        },
        "en": {
            "title": "Video tutorials",
            "body": """\
Our channel has short videos that show, step by step, how to set up the most common
devices and services. They are a good way to solve a question without waiting for our
answer, and to discover everything you can do with IP telephony. The videos are in
Spanish, with English subtitles.

## Panel and tickets

[How to open a ticket and follow its status](https://www.youtube.com/watch?v=q7Lf3XbN2kA)

[Searching your ticket history with filters](https://www.youtube.com/watch?v=Fh2mTz8RcQo)

## Phones and network

[Setting up a Yealink T4 series phone step by step](https://www.youtube.com/watch?v=Yk4T2mR9wPc)

[Setting up a Grandstream GRP phone](https://www.youtube.com/watch?v=gS8pZ1nQv0E)

[Turning SIP ALG off on the most common routers](https://www.youtube.com/watch?v=Al9d0XsJr3M)

[Capturing a SIP trace with Wireshark](https://www.youtube.com/watch?v=Ws6jF1aDq7o)

## Virtual PBX

[Creating extensions and ring groups](https://www.youtube.com/watch?v=Cx3vB7tHk2Q)

[Welcome message and options menu (IVR)](https://www.youtube.com/watch?v=Iv5rN0eWm8s)

[Schedules, holidays and after-hours forwarding](https://www.youtube.com/watch?v=Hr2Lk9pYc4U)

## Numbers

[How to fill in the porting form](https://www.youtube.com/watch?v=Pt8mC3uZx5L)

## Tips

- The videos are updated when the panel or the devices' firmware changes: if something
  does not match what you see, your device may have an older version.
- If the problem is still there after watching a video, open a ticket and say which video
  you followed and the step where you got stuck: it saves questions and speeds up the
  answer.
""",
        },
    },
    {
        "slug": "known-outage-procedure",
        "category": "calls-and-audio",
        "internal": True,
        "es": {
            "title": "Procedimiento interno: gestión de una incidencia general",
            "body": """\
Uso exclusivo del equipo. Cuando una avería nuestra o de un operador afecta a muchos
clientes a la vez, no se responde ticket a ticket: se agrupan en una **incidencia
general** y se informa a todos con un solo mensaje.

## Cuándo declararla

- Tres o más clientes con el mismo síntoma en 15 minutos, o una alarma de monitorización
  confirmada por el técnico de guardia.
- Antes de declararla, confirma el alcance: ¿entrantes, salientes o ambas? ¿Un destino,
  un operador, un SBC?

## Pasos

1. Elige el primer ticket del síntoma (debe ser una incidencia) y, en la sección
   **Incidencia general**, pulsa **Declarar incidencia general**.
2. Deja en una **nota interna** lo que sabes: síntomas, hora de inicio, pruebas y quién
   lo está investigando. Los detalles técnicos y los nombres de proveedores van siempre
   en notas internas, nunca en mensajes públicos.
3. En cada ticket afectado, usa **Vincular a la incidencia general**. Vincula solo si el
   síntoma y la hora coinciden; ante la duda, trátalo por separado.
4. En menos de 15 minutos, publica la primera **Actualización para todos los clientes
   vinculados**: qué ocurre, desde cuándo y cuándo darás la siguiente actualización.
5. Actualiza cada 30 minutos aunque no haya novedades. No des una hora de solución que
   no haya confirmado el equipo de red.
6. Cuando el servicio esté restablecido y lo hayas comprobado con llamadas de prueba,
   publica la actualización final marcando **Resolver la incidencia general y todos los
   tickets vinculados**.
7. Si algún cliente sigue con problemas, usa **Desvincular de la incidencia general** en
   su ticket y trátalo por separado.

## Plantilla de actualización

> Desde las 10:40 algunas llamadas salientes a móviles fallan. Nuestro equipo de red está
> trabajando en ello y no hace falta que cambies nada en tus equipos. Te informaremos de
> nuevo antes de las 11:30.

## Al terminar

Añade en la incidencia general una nota interna con la cronología, la causa, la solución
y el número de tickets vinculados, y avisa al supervisor para el informe posterior.
""",
        },
        "en": {
            "title": "Internal procedure: handling a known outage",
            "body": """\
For staff only. When a fault of ours or of a carrier affects many customers at once, we
do not answer ticket by ticket: the tickets are grouped under a **known outage** and
everyone is informed with a single message.

## When to declare one

- Three or more customers with the same symptom within 15 minutes, or a monitoring alarm
  confirmed by the on-call engineer.
- Before declaring it, confirm the scope: inbound, outbound or both? One destination, one
  carrier, one SBC?

## Steps

1. Pick the first ticket with the symptom (it must be an incident) and, in its **Known
   outage** section, click **Declare a known outage**.
2. Write what you know in an **internal note**: symptoms, start time, tests and who is
   investigating. Technical details and supplier names always go in internal notes,
   never in public messages.
3. On every affected ticket, use **Link to the known outage**. Link only when the symptom
   and the time match; when in doubt, handle it separately.
4. Within 15 minutes, post the first **Update for every linked customer**: what is
   happening, since when, and when you will post the next update.
5. Post an update every 30 minutes even if there is no news. Do not give a fix time that
   the network team has not confirmed.
6. When service is restored and you have checked it with test calls, post the final
   update ticking **Solve the outage and every linked ticket**.
7. If a customer still has problems, use **Detach from the outage** on their ticket and
   handle it separately.

## Update template

> Since 10:40 some outbound calls to mobiles are failing. Our network team is working on
> it and you do not need to change anything on your equipment. We will update you again
> before 11:30.

## When it is over

Add an internal note to the outage with the timeline, the cause, the fix and the number
of linked tickets, and let the supervisor know for the post-incident report.
""",
        },
    },
]
