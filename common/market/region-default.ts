/**
 * A region for an offer when the owner has not chosen one, from this machine's IANA time
 * zone: coarse on purpose (renters filter by it to keep latency down, and a time zone says
 * no more than the continent and roughly which side of it). The owner can change it on Lend.
 */
export function regionFromTimeZone(timeZone: string | undefined, offsetMinutes: number): string {
  const zone = timeZone ?? '';
  const area = zone.split('/')[0] ?? '';
  switch (area) {
    case 'Europe':
      return offsetMinutes <= 0 ? 'eu-west' : offsetMinutes <= 60 ? 'eu-central' : 'eu-east';
    case 'America':
      if (SOUTH_AMERICA.test(zone)) return 'sa';
      return offsetMinutes >= -360 ? 'na-east' : 'na-west';
    case 'US':
    case 'Canada':
      return offsetMinutes >= -360 ? 'na-east' : 'na-west';
    case 'Africa':
      return 'africa';
    case 'Asia':
      return offsetMinutes <= 330 ? 'asia-west' : offsetMinutes <= 480 ? 'asia-south-east' : 'asia-east';
    case 'Australia':
      return 'oceania';
    case 'Pacific':
      return offsetMinutes > 0 ? 'oceania' : 'pacific';
    case 'Atlantic':
      return 'atlantic';
    case 'Indian':
      return 'indian-ocean';
    default:
      return 'local';
  }
}

const SOUTH_AMERICA = /^America\/(Argentina\/|Sao_Paulo|Buenos_Aires|Santiago|Lima|Bogota|Caracas|Montevideo|Asuncion|La_Paz|Guayaquil|Cayenne|Paramaribo|Guyana|Recife|Fortaleza|Belem|Manaus|Bahia|Cuiaba|Campo_Grande|Porto_Velho|Boa_Vista|Rio_Branco|Maceio|Araguaina|Santarem|Noronha|Punta_Arenas)/;
